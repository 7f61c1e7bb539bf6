using System.Linq;
using Microsoft.CodeAnalysis;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Every misuse is an error with an id, a message that says what to change, and the place to change it.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System; using System.Threading.Tasks; using FastCgi.Aot; using FastCgi.Aot.Generators.Tests;\n";

    [Fact]
    public void FCGI001_ParameterTypeIsUnsupported()
    {
        Diagnostic d = Single(
            "static class Api { [FcgiRoute(\"/x\")] public static string X(Action callback) => \"\"; }",
            "FCGI001",
            "callback");
        Assert.Contains("Parameter 'callback' of handler 'Api.X' has type 'global::System.Action'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI001_RefParameterIsUnsupported()
    {
        Single("static class Api { [FcgiRoute(\"/x\")] public static string X(ref int a) => \"\"; }", "FCGI001", "a");
    }

    [Fact]
    public void FCGI002_ReturnTypeIsUnsupported()
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\")] public static Func<int> X() => () => 1; }", "FCGI002", "X");
        Assert.Contains("Handler 'Api.X' returns 'global::System.Func<int>'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IEnumerable<int> ids", "GET", RouteGenerator.Parser.RepeatedValuesBindArraysAndLists)]
    [InlineData("HashSet<string> ids", "GET", RouteGenerator.Parser.RepeatedValuesBindArraysAndLists)]
    [InlineData("[FcgiQuery] Dictionary<string, int> ids", "POST", RouteGenerator.Parser.RepeatedValuesBindArraysAndLists)]
    [InlineData("[FcgiForm] IReadOnlyList<int> ids", "POST", RouteGenerator.Parser.RepeatedValuesBindArraysAndLists)]
    [InlineData("int[][] ids", "GET", RouteGenerator.Parser.CollectionElementsBindSimpleValues)]
    [InlineData("List<List<int>> ids", "GET", RouteGenerator.Parser.CollectionElementsBindSimpleValues)]
    [InlineData("List<User> ids", "GET", RouteGenerator.Parser.CollectionElementsBindSimpleValues)]
    [InlineData("[FcgiForm] User[] ids", "POST", RouteGenerator.Parser.CollectionElementsBindSimpleValues)]
    [InlineData("[FcgiHeader(\"X-Id\")] string[] ids", "GET", RouteGenerator.Parser.OneValueAdvice)]
    [InlineData("[FcgiParam(\"IDS\")] List<int> ids", "GET", RouteGenerator.Parser.OneValueAdvice)]
    [InlineData("[FcgiCookie(\"ids\")] int[] ids", "GET", RouteGenerator.Parser.OneValueAdvice)]
    public void FCGI001_ACollectionThatDoesNotBindSaysWhichDo(string parameter, string method, string advice)
    {
        Diagnostic d = Single(
            "using System.Collections.Generic;\n[assembly: FcgiJsonContext(typeof(TestJsonContext))]\nstatic class Api { [FcgiRoute(\"/x\", Method = \"" + method + "\")] public static string X(" + parameter + ") => \"\"; }",
            "FCGI001",
            "ids");
        Assert.EndsWith("which cannot be bound: " + advice, d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("List<int> ids", "GET")]
    [InlineData("int[] ids", "GET")]
    [InlineData("string?[]? ids", "DELETE")]
    [InlineData("List<int?> ids", "HEAD")]
    [InlineData("int[] ids", "POST")]
    [InlineData("[FcgiQuery(\"id\")] List<Guid> ids", "PUT")]
    [InlineData("[FcgiForm] List<DateTime> ids", "POST")]
    [InlineData("[FcgiForm(\"id\")] Color[] ids", "PATCH")]
    [InlineData("List<byte> ids", "GET")]
    public void ArraysAndListsOfSimpleValuesBindRepeatedKeys(string parameter, string method)
    {
        GeneratorRunner.Run(Usings + "using System.Collections.Generic;\npublic enum Color { Red }\nstatic class Api { [FcgiRoute(\"/x\", Method = \"" + method + "\")] public static string X(" + parameter + ") => \"\"; }").AssertCleanBuild();
    }

    [Theory]
    [InlineData("[FcgiQuery] FcgiFile file")]
    [InlineData("[FcgiHeader(\"X-File\")] FcgiFile file")]
    [InlineData("[FcgiCookie(\"file\")] FcgiFile? file")]
    [InlineData("[FcgiParam(\"FILE\")] FcgiFile file")]
    [InlineData("[FcgiBody] FcgiFile file")]
    [InlineData("[FcgiQuery] FcgiFile[] file")]
    [InlineData("[FcgiBody] List<FcgiFile> file")]
    public void FCGI001_AFileComesOnlyFromAForm(string parameter)
    {
        Diagnostic d = Single(
            "using System.Collections.Generic;\nstatic class Api { [FcgiRoute(\"/x\", Method = \"POST\")] public static string X(" + parameter + ") => \"\"; }",
            "FCGI001",
            "file");
        Assert.EndsWith("which cannot be bound: " + RouteGenerator.Parser.FileAdvice, d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiQuery] byte[] data")]
    [InlineData("[FcgiForm] byte[] data")]
    public void FCGI001_ByteArrayIsTheBodyNotRepeatedValues(string parameter)
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\", Method = \"POST\")] public static string X(" + parameter + ") => \"\"; }", "FCGI001", "data");
        Assert.EndsWith("which cannot be bound: " + RouteGenerator.Parser.ByteArrayAdvice, d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/x/{ids}", "int[] ids")]
    [InlineData("/x/{*ids}", "List<string> ids")]
    [InlineData("/x/{ids}", "FcgiFile ids")]
    public void FCGI001_ARouteValueIsOneSimpleValue(string template, string parameter)
    {
        string source = "using System.Collections.Generic;\nstatic class Api { [FcgiRoute(\"" + template + "\", Method = \"POST\")] public static string X(" + parameter + ") => \"\"; }";
        Diagnostic d = Single(source, "FCGI001", "ids");
        Assert.EndsWith("which cannot be bound: " + RouteGenerator.Parser.RouteValueAdvice, d.GetMessage(), System.StringComparison.Ordinal);

        // The segment has its parameter, of the wrong type: that is the one error, not also FCGI005.
        Assert.Single(GeneratorRunner.Run(Usings + source).Diagnostics);
    }

    [Fact]
    public void FCGI001_NotOnParametersOrResultsWhoseTypeDoesNotResolve()
    {
        // Without `using System;` Guid does not resolve: the compiler says so (CS0246), and the
        // generator adds nothing. The handler is left out, as every handler with an error is.
        GeneratorRun run = GeneratorRunner.Run("""
            using FastCgi.Aot;
            static class Api
            {
                [FcgiRoute("/guid")] public static string X(Guid id) => "";
                [FcgiRoute("/list")] public static string Y(System.Collections.Generic.List<Missing> items) => "";
                [FcgiRoute("/result")] public static System.Threading.Tasks.Task<Missing> Z() => null!;
                [FcgiRoute("/ok")] public static string Ok() => "ok";
            }
            """);
        Assert.Empty(run.Diagnostics);
        Assert.Equal(3, run.Output.GetDiagnostics().Count(static d => d.Id == "CS0246"));
        string source = run.Sources.Single().SourceText.ToString();
        Assert.Contains("\"ok\"u8", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\"guid\"u8", source, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/users/{id:int}", "the segment '{id:int}' has the constraint ':int', which a route does not need: the parameter's type constrains the value (an int parameter answers 400 to a segment that is not a number), so write '{id}'")]
    [InlineData("/files/{*path:regex(x)}", "so write '{*path}'")]
    [InlineData("/users/{id?}", "the segment '{id?}' is optional or has a default, which a segment cannot be")]
    [InlineData("/page/{n=1}", "the segment '{n=1}' is optional or has a default")]
    public void FCGI003_RouteConstraintsAreExplained(string template, string reason)
    {
        Diagnostic d = Single($"static class Api {{ [FcgiRoute(\"{template}\")] public static string X(string a) => a; }}", "FCGI003", $"FcgiRoute(\"{template}\")");
        Assert.Contains(reason, d.GetMessage(), System.StringComparison.Ordinal);
        Assert.DoesNotContain("not a C# identifier", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api", "it must start with '/'")]
    [InlineData("/api/", "it ends with '/', and a route's template starts with one: write '/api'")]
    [InlineData("/", "it is '/', the prefix of every path: leave the class out of a group instead")]
    [InlineData("/files/{*rest}", "it ends with a catch-all, which would leave its routes no path to match")]
    [InlineData("/a//b", "it has an empty segment ('//')")]
    public void FCGI020_RouteGroupPrefixIsInvalid(string prefix, string reason)
    {
        string source = $"[FcgiRouteGroup(\"{prefix}\")] static class Api {{ [FcgiRoute(\"/x\")] public static string X() => \"\"; [FcgiRoute(\"/y\")] public static string Y() => \"\"; }}";
        Diagnostic d = Single(source, "FCGI020", $"FcgiRouteGroup(\"{prefix}\")");
        Assert.Equal($"The route group prefix '{prefix}' of 'Api' is invalid: {reason}; its routes are left out until it is fixed", d.GetMessage());

        // Reported once, on the group, and not again on each route, which is left out.
        GeneratorRun run = GeneratorRunner.Run(Usings + source);
        Assert.Single(run.Diagnostics);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("/t/{id}", "/{id}", "The route template '/t/{id}/{id}' of handler 'Api.X' is invalid: the parameter 'id' appears more than once")]
    [InlineData("/api", "x", "The route template 'x' of handler 'Api.X' is invalid: in the route group '/api' a template starts with '/', or is empty for the group's own path")]
    [InlineData("/api", "/{*rest}/more", "The route template '/api/{*rest}/more' of handler 'Api.X' is invalid: the catch-all segment '{*rest}' must be the last")]
    public void FCGI003_TheTemplateWithItsGroupsPrefixIsChecked(string prefix, string template, string message)
    {
        Diagnostic d = Single(
            $"[FcgiRouteGroup(\"{prefix}\")] static class Api {{ [FcgiRoute(\"{template}\")] public static string X(string id) => id; }}",
            "FCGI003",
            $"FcgiRoute(\"{template}\")");
        Assert.Equal(message, d.GetMessage());
    }

    [Fact]
    public void FCGI004_ARouteInAGroupDuplicatesTheSamePathOutsideIt()
    {
        Diagnostic d = Single(
            "[FcgiRouteGroup(\"/api\")] static class A { [FcgiRoute(\"/x\")] public static string X() => \"\"; }\n" +
            "static class B { [FcgiRoute(\"/api/x\")] public static string Y() => \"\"; }",
            "FCGI004",
            "FcgiRoute(\"/api/x\")");
        Assert.Equal("Handler 'B.Y' declares GET '/api/x', which handler 'A.X' already declares: change the template or the method of one of them", d.GetMessage());
    }

    [Fact]
    public void FCGI005_ARoutesOwnSegmentsNeedParametersItsGroupsDoNot()
    {
        Diagnostic d = Single(
            "[FcgiRouteGroup(\"/t/{tenant}\")] static class Api { [FcgiRoute(\"/notes/{id}\")] public static string X() => \"\"; [FcgiRoute(\"/info\")] public static string Y() => \"\"; }",
            "FCGI005",
            "X");
        Assert.Equal("The route template '/t/{tenant}/notes/{id}' has the segment '{id}' but handler 'Api.X' has no parameter named 'id': add one, or remove the segment", d.GetMessage());
    }

    [Theory]
    [InlineData("bool", "bool")]
    [InlineData("void", "void")]
    [InlineData("Task", "global::System.Threading.Tasks.Task")]
    [InlineData("ValueTask<string>", "global::System.Threading.Tasks.ValueTask<string>")]
    public void FCGI021_BeforeHookReturnsSomethingElse(string type, string shown)
    {
        Diagnostic d = Single(
            "[FcgiRouteGroup(\"/a\")] static class G { [FcgiBefore] public static " + type + " Check() => default!; [FcgiRoute(\"/x\")] public static string X() => \"\"; }",
            "FCGI021",
            "Check");
        Assert.Equal($"Before hook 'G.Check' returns '{shown}': a before hook returns FcgiResult? (null lets the request go on to the route, a result answers it), or a ValueTask or Task of it", d.GetMessage());
    }

    [Theory]
    [InlineData("class G { [FcgiBefore] public FcgiResult? Check() => null; }", "must be static: add the static modifier")]
    [InlineData("static class G { [FcgiBefore] private static FcgiResult? Check() => null; }", "must be public or internal, in public or internal types, so that the generated code can call it")]
    [InlineData("static class G { [FcgiBefore] public static FcgiResult? Check<T>() => null; }", "is generic or in a generic type: hooks are non-generic methods of non-generic types")]
    public void FCGI022_HookCannotBeCalled(string group, string problem)
    {
        Diagnostic d = Single("[FcgiRouteGroup(\"/a\")] " + group, "FCGI022", "Check");
        Assert.Equal("Hook 'G.Check' " + problem, d.GetMessage());
    }

    [Theory]
    [InlineData("static class G { [FcgiBefore] public static FcgiResult? Check() => null; }", "G")]
    [InlineData("[FcgiRouteGroup(\"/a\")] static class Outer { public static class G { [FcgiBefore] public static FcgiResult? Check() => null; } }", "G")]
    public void FCGI023_BeforeHookOutsideARouteGroup(string source, string type)
    {
        Diagnostic d = Single(source, "FCGI023", "FcgiBefore");
        Assert.Equal(
            $"Before hook '{type}.Check' is in '{type}', which is not a route group, so it would run before no route: mark '{type}' [FcgiRouteGroup(\"/prefix\")] to run it before the group's routes, or use [FcgiBefore(AllRoutes = true)] to run it before every route",
            d.GetMessage());
    }

    [Fact]
    public void FCGI024_TwoHooksForEveryRoute()
    {
        // Reported on the later by signature, whatever the file order.
        Diagnostic d = Single(
            "static class B { [FcgiBefore(AllRoutes = true)] public static FcgiResult? Two() => null; }\n" +
            "static class A { [FcgiBefore(AllRoutes = true)] public static FcgiResult? One() => null; [FcgiRoute(\"/x\")] public static string X() => \"\"; }",
            "FCGI024",
            "FcgiBefore(AllRoutes = true)");
        Assert.Equal("Hook 'B.Two' is a second [FcgiBefore] of the assembly (AllRoutes = true), after 'A.One': there is one, so keep one and call the other from it", d.GetMessage());
        Assert.Equal(1, d.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void FCGI024_TwoHooksForOneGroup()
    {
        // G.Another() orders before G.Check(), so the first in the file is the second hook.
        Diagnostic d = Single(
            "[FcgiRouteGroup(\"/a\")] static class G { [FcgiBefore] public static FcgiResult? Check() => null; [FcgiBefore] public static FcgiResult? Another() => null; }",
            "FCGI024",
            "FcgiBefore",
            occurrence: 0);
        Assert.Equal("Hook 'G.Check' is a second [FcgiBefore] of the route group 'G', after 'G.Another': there is one, so keep one and call the other from it", d.GetMessage());
    }

    [Fact]
    public void FCGI024_OneHookForEachGroupAndOneForEveryRouteAreNotDuplicates()
    {
        GeneratorRunner.Run(Usings +
            "static class All { [FcgiBefore(AllRoutes = true)] public static FcgiResult? H() => null; }\n" +
            "[FcgiRouteGroup(\"/a\")] static class A { [FcgiBefore] public static FcgiResult? H() => null; [FcgiRoute(\"/x\")] public static string X() => \"\"; }\n" +
            "[FcgiRouteGroup(\"/b\")] static class B { [FcgiBefore] public static FcgiResult? H() => null; [FcgiRoute(\"/x\")] public static string X() => \"\"; }").AssertCleanBuild();
    }

    [Theory]
    [InlineData("User user", "FCGI006", "user")]
    [InlineData("[FcgiData] string data", "FCGI015", "data")]
    [InlineData("Action callback", "FCGI001", "callback")]
    [InlineData("[FcgiHeader(\"X Y\")] string? value", "FCGI018", "value")]
    public void AHooksParametersFollowTheRulesOfHandlers(string parameter, string id, string locatedText)
    {
        Diagnostic d = Single(
            "[assembly: FcgiJsonContext(typeof(TestJsonContext))]\n[FcgiRouteGroup(\"/a\")] static class G { [FcgiBefore] public static FcgiResult? Check(" + parameter + ") => null; }",
            id,
            locatedText);
        if (id == "FCGI006")
        {
            Assert.EndsWith("has no source: a before hook runs before routes of every method, so it reads 'global::FastCgi.Aot.Generators.Tests.User' from the body only when it is marked [FcgiBody]", d.GetMessage(), System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FCGI010_AHooksJsonTypeNeedsTypeInfo()
    {
        Diagnostic d = Single(
            "public sealed record Order(int Id);\nstatic class All { [FcgiBefore(AllRoutes = true)] public static FcgiResult? H([FcgiBody] Order order) => null; }",
            "FCGI010",
            "FcgiBefore(AllRoutes = true)");
        Assert.StartsWith("Handler 'All.H' uses 'global::Order' as JSON", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiRouteGroup(\"/a\")] static class G { [FcgiBefore] public static bool Check() => true; [FcgiRoute(\"/x\")] public static string X() => \"\"; }\nstatic class Open { [FcgiRoute(\"/open\")] public static string O() => \"\"; }", "\"open\"u8", "\"a\"u8")]
    [InlineData("static class All { [FcgiBefore(AllRoutes = true)] public static FcgiResult? H(Action a) => null; }\nstatic class Open { [FcgiRoute(\"/open\")] public static string O() => \"\"; [FcgiAuthorizer] public static FcgiResult A() => FcgiResults.Ok(); }", "Authorizer", "\"open\"u8")]
    public void ARouteWhoseHookHasAnErrorIsLeftOutRatherThanRunUnguarded(string source, string kept, string leftOut)
    {
        GeneratorRun run = GeneratorRunner.Run(Usings + source);
        Assert.Single(run.Diagnostics);
        string generated = run.Sources.Single().SourceText.ToString();
        Assert.Contains(kept, generated, System.StringComparison.Ordinal);
        Assert.DoesNotContain(leftOut, generated, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("void Log(FcgiRequest request)")]
    [InlineData("int Log(FcgiRequest request, FcgiRequestSummary summary)")]
    [InlineData("void Log(FcgiRequestSummary summary, FcgiRequest request)")]
    [InlineData("void Log(FcgiRequest request, ref FcgiRequestSummary summary)")]
    [InlineData("void Log(FcgiRequest request, FcgiRequestSummary summary, int more)")]
    public void FCGI025_AfterHookHasAnotherSignature(string signature)
    {
        Diagnostic d = Single("static class L { [FcgiAfter] public static " + signature + " { throw null!; } }", "FCGI025", "Log");
        Assert.Equal("After hook 'L.Log' must be 'static void Log(FcgiRequest request, FcgiRequestSummary summary)', the summary possibly 'in': the server calls it with the request that ended and its summary, and waits for nothing", d.GetMessage());
    }

    [Fact]
    public void FCGI022_AfterHookIsNotStaticOrIsAsyncVoid()
    {
        Diagnostic instance = Single("class L { [FcgiAfter] public void Log(FcgiRequest request, FcgiRequestSummary summary) { } }", "FCGI022", "Log");
        Assert.Equal("Hook 'L.Log' must be static: add the static modifier", instance.GetMessage());
        Diagnostic async = Single("static class L { [FcgiAfter] public static async void Log(FcgiRequest request, FcgiRequestSummary summary) => await Task.Yield(); }", "FCGI022", "Log");
        Assert.Equal("Hook 'L.Log' is async void, so nothing could wait for it or see it fail: make it synchronous", async.GetMessage());
    }

    [Fact]
    public void FCGI024_TwoAfterHooks()
    {
        Diagnostic d = Single(
            "static class B { [FcgiAfter] public static void Log(FcgiRequest request, FcgiRequestSummary summary) { } }\n" +
            "static class A { [FcgiAfter] public static void Log(FcgiRequest request, in FcgiRequestSummary summary) { } [FcgiRoute(\"/x\")] public static string X() => \"\"; }",
            "FCGI024",
            "FcgiAfter");
        Assert.Equal("Hook 'B.Log' is a second [FcgiAfter] of the assembly, after 'A.Log': there is one, so keep one and call the other from it", d.GetMessage());
    }

    [Theory]
    [InlineData("x", "must start with '/'")]
    [InlineData("/a//b", "empty segment")]
    [InlineData("/a/{*rest}/b", "must be the last")]
    [InlineData("/a/{1x}", "not a C# identifier")]
    [InlineData("/a{b}", "one parameter in braces")]
    [InlineData("/{a}/{A}", "more than once")]
    [InlineData("/a?b", "contains '?'")]
    public void FCGI003_RouteTemplateIsInvalid(string template, string reason)
    {
        Diagnostic d = Single($"static class Api {{ [FcgiRoute(\"{template}\")] public static string X(string a) => a; }}", "FCGI003", $"FcgiRoute(\"{template}\")");
        Assert.Contains(reason, d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI004_RouteIsDuplicated()
    {
        Diagnostic d = Single(
            "static class A { [FcgiRoute(\"/users/{id}\")] public static int X(int id) => id; }\n" +
            "static class B { [FcgiRoute(\"/users/{name}\")] public static string Y(string name) => name; }",
            "FCGI004",
            "FcgiRoute(\"/users/{name}\")");
        Assert.Equal("Handler 'B.Y' declares GET '/users/{name}', which handler 'A.X' already declares: change the template or the method of one of them", d.GetMessage());
    }

    [Fact]
    public void FCGI004_SameTemplateWithAnotherMethodIsNotADuplicate()
    {
        GeneratorRunner.Run(Usings +
            "static class A { [FcgiRoute(\"/x\")] public static int X() => 1; [FcgiRoute(\"/x\", Method = \"POST\")] public static int Y() => 2; }").AssertCleanBuild();
    }

    [Fact]
    public void FCGI005_RouteParameterHasNoHandlerParameter()
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/users/{id}\")] public static string X() => \"\"; }", "FCGI005", "X");
        Assert.Contains("has the segment '{id}' but handler 'Api.X' has no parameter named 'id'", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI006_JsonParameterOnGetHasNoSource()
    {
        Diagnostic d = Single(
            "[assembly: FcgiJsonContext(typeof(TestJsonContext))]\nstatic class Api { [FcgiRoute(\"/x\")] public static string X(User user) => \"\"; }",
            "FCGI006",
            "user");
        Assert.Contains("mark it [FcgiBody]", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiQuery, FcgiHeader(\"A\")] string a")]
    [InlineData("[FcgiForm, FcgiQuery] string a")]
    [InlineData("[FcgiCookie(\"a\"), FcgiForm] string a")]
    public void FCGI006_TwoSourceAttributesLeaveNoSource(string parameter)
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\", Method = \"POST\")] public static string X(" + parameter + ") => a; }", "FCGI006", "a");
        Assert.EndsWith("has no source: it has more than one of [FcgiQuery], [FcgiForm], [FcgiCookie], [FcgiParam], [FcgiHeader], [FcgiBody] and [FcgiData]; keep one", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiCookie(\"\")] string? a", "[FcgiCookie] names no cookie")]
    [InlineData("[FcgiHeader(\"\")] string? a", "[FcgiHeader] names no header")]
    [InlineData("[FcgiParam(\"\")] string? a", "[FcgiParam] names no CGI parameter")]
    [InlineData("[FcgiForm(\"\")] string? a", "[FcgiForm(\"\")] names no form field: name one, or leave the name out for the parameter's")]
    public void FCGI006_AnAttributeThatNamesNothing(string parameter, string reason)
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\", Method = \"POST\")] public static string X(" + parameter + ") => \"\"; }", "FCGI006", "a");
        Assert.Equal("Parameter 'a' of handler 'Api.X' has no source: " + reason, d.GetMessage());
    }

    [Fact]
    public void FCGI007_HandlerIsNotStatic()
    {
        Diagnostic d = Single("class Api { [FcgiRoute(\"/x\")] public string X() => \"\"; }", "FCGI007", "X");
        Assert.Equal("Handler 'Api.X' must be static: add the static modifier", d.GetMessage());
    }

    [Fact]
    public void FCGI008_HandlerIsNotAccessible()
    {
        Single("static class Api { [FcgiRoute(\"/x\")] private static string X() => \"\"; }", "FCGI008", "X");
        Single("static class Outer { private static class Api { [FcgiRoute(\"/x\")] public static string X() => \"\"; } }", "FCGI008", "X");
    }

    [Fact]
    public void FCGI009_HandlerIsAsyncVoid()
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\")] public static async void X() => await Task.Yield(); }", "FCGI009", "X");
        Assert.Contains("return Task or ValueTask", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI010_JsonTypeIsNotOnTheContext()
    {
        Diagnostic d = Single(
            "[assembly: FcgiJsonContext(typeof(TestJsonContext))]\npublic sealed record Order(int Id);\nstatic class Api { [FcgiRoute(\"/x\")] public static Order X() => new(1); }",
            "FCGI010",
            "FcgiRoute(\"/x\")");
        Assert.Contains("add [JsonSerializable(typeof(Order))] to the context", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI010_NoContextIsNamed()
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\")] public static User X() => new(1, \"a\"); }", "FCGI010", "FcgiRoute(\"/x\")");
        Assert.Contains("[assembly: FcgiJsonContext(typeof(YourJsonContext))]", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI011_TwoParametersBindTheBody()
    {
        Diagnostic d = Single(
            "static class Api { [FcgiRoute(\"/x\", Method = \"POST\")] public static int X(ReadOnlyMemory<byte> a, System.IO.Stream b) => 1; }",
            "FCGI011",
            "b");
        Assert.Equal("Parameters 'a' and 'b' of handler 'Api.X' both bind the request body: keep one", d.GetMessage());
    }

    [Theory]
    [InlineData("[FcgiForm] string name, ReadOnlyMemory<byte> body", "body", "name", "body")]
    [InlineData("System.IO.Stream body, FcgiFile name", "name", "body", "name")]
    [InlineData("[FcgiBody] string body, [FcgiForm] int name, [FcgiForm] int other", "name", "body", "name")]
    public void FCGI011_AFormAndTheBodyBothBindTheBody(string parameters, string locatedText, string first, string second)
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\", Method = \"POST\")] public static int X(" + parameters + ") => 1; }", "FCGI011", locatedText);
        Assert.Equal($"Parameters '{first}' and '{second}' of handler 'Api.X' both bind the request body ('name' as a form, 'body' as a body): keep one", d.GetMessage());
    }

    [Theory]
    [InlineData(
        "[FcgiRouteGroup(\"/g\")] static class G { [FcgiBefore] public static FcgiResult? Check([FcgiForm] string? token) => null; [FcgiRoute(\"/x\", Method = \"POST\")] public static int X(ReadOnlyMemory<byte> body) => 1; [FcgiRoute(\"/y\")] public static int Y() => 1; }",
        "FcgiRoute(\"/x\", Method = \"POST\")",
        "Parameters 'token' of before hook 'G.Check' and 'body' of handler 'G.X' both bind the request body ('token' as a form, 'body' as a body): keep one")]
    [InlineData(
        "static class All { [FcgiBefore(AllRoutes = true)] public static FcgiResult? H(System.IO.Stream body) => null; }\nstatic class Api { [FcgiRoute(\"/x\", Method = \"PUT\")] public static int X(FcgiFile file) => 1; [FcgiRoute(\"/y\")] public static int Y() => 1; }",
        "FcgiRoute(\"/x\", Method = \"PUT\")",
        "Parameters 'body' of before hook 'All.H' and 'file' of handler 'Api.X' both bind the request body ('file' as a form, 'body' as a body): keep one")]
    public void FCGI011_AHookAndItsRouteBindTheFormAndTheBody(string source, string locatedText, string message)
    {
        Diagnostic d = Single(source, "FCGI011", locatedText);
        Assert.Equal(message, d.GetMessage());

        // That route is left out; the others the hook guards are not.
        string generated = GeneratorRunner.Run(Usings + source).Sources.Single().SourceText.ToString();
        Assert.DoesNotContain("\"x\"u8", generated, System.StringComparison.Ordinal);
    }

    [Fact]
    public void FCGI012_HandlerIsGeneric()
    {
        Single("static class Api { [FcgiRoute(\"/x\")] public static string X<T>() => \"\"; }", "FCGI012", "X");
    }

    [Fact]
    public void FCGI013_RouteMethodIsInvalid()
    {
        Single("static class Api { [FcgiRoute(\"/x\", Method = \"GE T\")] public static string X() => \"\"; }", "FCGI013", "FcgiRoute(\"/x\", Method = \"GE T\")");
    }

    [Fact]
    public void FCGI014_TwoAuthorizers()
    {
        // Reported on the later by signature, whatever the file order.
        Diagnostic d = Single(
            "static class B { [FcgiAuthorizer] public static FcgiResult Y() => FcgiResults.Ok(); }\n" +
            "static class A { [FcgiAuthorizer] public static FcgiResult X() => FcgiResults.Ok(); }",
            "FCGI014",
            "FcgiAuthorizer");
        Assert.Equal("Handler 'B.Y' is marked [FcgiAuthorizer], but handler 'A.X' already handles the Authorizer role: an assembly has one handler per role, so keep one", d.GetMessage());
        Assert.Equal(1, d.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void FCGI014_TwoFilters()
    {
        // Overloads: X(byte[]) orders before X(string), so the first in the file is the duplicate.
        Diagnostic d = Single(
            "static class A { [FcgiFilter] public static string X([FcgiData] string d) => d; [FcgiFilter] public static string X([FcgiData] byte[] d) => \"\"; }",
            "FCGI014",
            "FcgiFilter",
            occurrence: 0);
        Assert.Equal("Handler 'A.X' is marked [FcgiFilter], but handler 'A.X' already handles the Filter role: an assembly has one handler per role, so keep one", d.GetMessage());
    }

    [Fact]
    public void FCGI014_OneHandlerOfEachRoleIsNotADuplicate()
    {
        GeneratorRunner.Run(Usings +
            "static class A { [FcgiAuthorizer] public static FcgiResult X() => FcgiResults.Ok(); [FcgiFilter] public static string Y([FcgiData] string d) => d; [FcgiRoute(\"/z\")] public static int Z() => 1; }").AssertCleanBuild();
    }

    [Theory]
    [InlineData("[FcgiRoute(\"/x\", Method = \"POST\")]")]
    [InlineData("[FcgiAuthorizer]")]
    public void FCGI015_DataParameterOutsideAFilter(string attribute)
    {
        Diagnostic d = Single("static class Api { " + attribute + " public static string X([FcgiData] string data) => data; }", "FCGI015", "data");
        Assert.Equal("Parameter 'data' of handler 'Api.X' is marked [FcgiData], but only the [FcgiFilter] handler receives the DATA stream: remove the attribute, or mark the handler [FcgiFilter]", d.GetMessage());
    }

    [Theory]
    [InlineData("ReadOnlyMemory<byte> body")]
    [InlineData("[FcgiBody] string body")]
    [InlineData("User body")]
    public void FCGI016_AnAuthorizerHasNoBody(string parameter)
    {
        Diagnostic d = Single(
            "[assembly: FcgiJsonContext(typeof(TestJsonContext))]\nstatic class Api { [FcgiAuthorizer] public static FcgiResult X(" + parameter + ") => FcgiResults.Ok(); }",
            "FCGI016",
            "body");
        Assert.StartsWith("Parameter 'body' of handler 'Api.X' binds the request body, which a request of the Authorizer role does not carry: ", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiForm] string? body", "the request's form")]
    [InlineData("FcgiFile? body", "an uploaded file")]
    [InlineData("[FcgiForm(\"f\")] System.Collections.Generic.List<FcgiFile> body", "an uploaded file")]
    public void FCGI016_AnAuthorizerHasNoForm(string parameter, string what)
    {
        Diagnostic d = Single("static class Api { [FcgiAuthorizer] public static FcgiResult X(" + parameter + ") => FcgiResults.Ok(); }", "FCGI016", "body");
        Assert.Equal(
            $"Parameter 'body' of handler 'Api.X' binds {what}, which a request of the Authorizer role does not carry: the web server sends an authorizer the request's parameters but not its body (FastCGI 1.0 §6.3); bind a CGI parameter, a header, a cookie or a query value instead",
            d.GetMessage());
    }

    [Fact]
    public void AFilterBindsItsBodysForm()
    {
        GeneratorRunner.Run(Usings + "static class Api { [FcgiFilter] public static string X([FcgiData] string data, [FcgiForm] string? name, FcgiFile? file) => data; }").AssertCleanBuild();
    }

    [Fact]
    public void FCGI016_AFilterReadsTheBodyAndTheData()
    {
        GeneratorRunner.Run(Usings +
            "static class Api { [FcgiFilter] public static string X(ReadOnlyMemory<byte> body, [FcgiData] Stream data, string q) => q; }".Replace("Stream", "System.IO.Stream", System.StringComparison.Ordinal)).AssertCleanBuild();
    }

    [Theory]
    [InlineData("[FcgiRoute(\"/x\")] [FcgiAuthorizer]", "FcgiAuthorizer", "FcgiRoute", "FcgiAuthorizer")]
    [InlineData("[FcgiFilter] [FcgiRoute(\"/x\")]", "FcgiFilter", "FcgiRoute", "FcgiFilter")]
    [InlineData("[FcgiAuthorizer] [FcgiFilter]", "FcgiFilter", "FcgiAuthorizer", "FcgiFilter")]
    public void FCGI017_HandlerHasTwoRoles(string attributes, string locatedText, string first, string second)
    {
        GeneratorRun run = GeneratorRunner.Run(Usings + "static class Api { " + attributes + " public static FcgiResult X() => FcgiResults.Ok(); }");
        Diagnostic d = Single("static class Api { " + attributes + " public static FcgiResult X() => FcgiResults.Ok(); }", "FCGI017", locatedText);
        Assert.Equal($"Handler 'Api.X' is marked both [{first}] and [{second}]: a method handles one role, so move one of them to another method", d.GetMessage());

        // Reported once, and the method is left out of every role.
        Assert.Single(run.Diagnostics);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("X-\u00dc")]
    [InlineData("X Count")]
    public void FCGI018_HeaderNameIsNotAToken(string header)
    {
        Diagnostic d = Single("static class Api { [FcgiRoute(\"/x\")] public static string X([FcgiHeader(\"" + header + "\")] string? value) => \"\"; }", "FCGI018", "value");
        Assert.Equal(
            $"Parameter 'value' of handler 'Api.X' binds the header '{header}', which is not an HTTP header name: a name is letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.6.2), so no request can carry it",
            d.GetMessage());
    }

    [Theory]
    [InlineData("FcgiRoute(\"/x\", Method = \"POST\", MaxBodyBytes = -2)", "-2")]
    [InlineData("FcgiFilter(MaxBodyBytes = long.MinValue)", "-9223372036854775808")]
    public void FCGI019_MaxBodyBytesIsNotALimit(string attribute, string value)
    {
        Diagnostic d = Single("static class Api { [" + attribute + "] public static string X() => \"\"; }", "FCGI019", attribute);
        Assert.Equal(
            $"MaxBodyBytes = {value} on handler 'Api.X' is not a body limit: use a number of bytes (0 or more), or -1 (the default) for the server's --max-body-bytes",
            d.GetMessage());
        Assert.Empty(GeneratorRunner.Run(Usings + "static class Api { [" + attribute + "] public static string X() => \"\"; }").Sources);
    }

    [Fact]
    public void FCGI011_TwoParametersBindTheData()
    {
        Diagnostic d = Single(
            "static class Api { [FcgiFilter] public static int X([FcgiData] ReadOnlyMemory<byte> a, [FcgiData] string b) => 1; }",
            "FCGI011",
            "b");
        Assert.Equal("Parameters 'a' and 'b' of handler 'Api.X' both bind the DATA stream: keep one", d.GetMessage());
    }

    [Fact]
    public void FCGI001_DataOfAnUnsupportedType()
    {
        Single("static class Api { [FcgiFilter] public static int X([FcgiData] int data) => data; }", "FCGI001", "data");
    }

    [Fact]
    public void RoleHandlersFollowTheRulesOfRoutes()
    {
        Single("class Api { [FcgiAuthorizer] public FcgiResult X() => FcgiResults.Ok(); }", "FCGI007", "X");
        Single("static class Api { [FcgiFilter] private static string X() => \"\"; }", "FCGI008", "X");
        Single("static class Api { [FcgiAuthorizer] public static async void X() => await Task.Yield(); }", "FCGI009", "X");
        Single("static class Api { [FcgiFilter] public static string X(Action callback) => \"\"; }", "FCGI001", "callback");
        Single("static class Api { [FcgiAuthorizer] public static Func<int> X() => () => 1; }", "FCGI002", "X");
        Single("static class Api { [FcgiFilter] public static string X<T>() => \"\"; }", "FCGI012", "X");
        Single("static class Api { [FcgiAuthorizer] public static User X() => new(1, \"a\"); }", "FCGI010", "FcgiAuthorizer");
    }

    [Theory]
    [InlineData("[FcgiRoute(\"/a\")] [FcgiRoute(\"/b\")] public static string X(Action callback) => \"\";", "FCGI001", "callback")]
    [InlineData("[FcgiRoute(\"/a\")] [FcgiRoute(\"/b\")] public static string X(User user) => \"\";", "FCGI006", "user")]
    [InlineData("[FcgiRoute(\"/a\", Method = \"POST\")] [FcgiRoute(\"/b\", Method = \"PUT\")] public static int X(ReadOnlyMemory<byte> a, System.IO.Stream b) => 1;", "FCGI011", "b")]
    [InlineData("[FcgiRoute(\"/a/{id}\")] [FcgiRoute(\"/a/{id}\", Method = \"POST\")] public static string X() => \"\";", "FCGI005", "X")]
    public void AParameterErrorOfAHandlerWithTwoRoutesIsReportedOnce(string handler, string id, string locatedText)
    {
        string source = "[assembly: FcgiJsonContext(typeof(TestJsonContext))]\nstatic class Api { " + handler + " }";
        Single(source, id, locatedText);
        Assert.Single(GeneratorRunner.Run(Usings + source).Diagnostics);
    }

    [Fact]
    public void AHandlerWithAnErrorIsLeftOutAndTheRestCompiles()
    {
        GeneratorRun run = GeneratorRunner.Run(Usings +
            "class Api { [FcgiRoute(\"/ok\")] public static string Ok() => \"\"; [FcgiRoute(\"/bad\")] public string Bad() => \"\"; }");
        Assert.Equal("FCGI007", Assert.Single(run.Diagnostics).Id);
        Assert.Empty(run.Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "FCGI007"));
        string source = run.Sources.Single().SourceText.ToString();
        Assert.Contains("\"ok\"u8", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\"bad\"u8", source, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiForm] string? name", "GET", "the form field 'name'", FormFieldAdvice)]
    [InlineData("[FcgiForm(\"n\")] int[] name", "HEAD", "the form field 'n'", FormFieldAdvice)]
    [InlineData("FcgiFile name", "GET", "the file 'name'", FileUploadAdvice)]
    [InlineData("[FcgiForm(\"f\")] FcgiFile[] name", "GET", "the file 'f'", FileUploadAdvice)]
    public void FCGI026_AFormOnARouteWhoseRequestsHaveNoBody(string parameter, string method, string what, string advice)
    {
        string source = "static class Api { [FcgiRoute(\"/x\", Method = \"" + method + "\")] public static string X(" + parameter + ") => \"\"; }";
        Diagnostic d = Single(source, "FCGI026", "name", severity: DiagnosticSeverity.Warning);
        Assert.Equal($"Parameter 'name' of handler 'Api.X' reads {what} from the request body, but a {method} request has none, so it is never there: {advice}", d.GetMessage());

        // A warning: the route is still dispatched.
        Assert.Contains("\"x\"u8", GeneratorRunner.Run(Usings + source).Sources.Single().SourceText.ToString(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiRoute(\"/x\", Method = \"POST\")] public static string X([FcgiForm] string? name, FcgiFile? file) => \"\";")]
    [InlineData("[FcgiRoute(\"/x\", Method = \"DELETE\")] public static string X([FcgiForm] string? name) => \"\";")]
    [InlineData("[FcgiBefore(AllRoutes = true)] public static FcgiResult? X([FcgiForm] string? name, FcgiFile? file) => null; [FcgiRoute(\"/y\")] public static string Y() => \"\";")]
    public void FCGI026_NotOnRoutesWhoseRequestsMayHaveABody(string members)
    {
        GeneratorRunner.Run(Usings + "static class Api { " + members + " }").AssertCleanBuild();
    }

    private const string Fetch =
        "static Task<int> Fetch() => Task.FromResult(1); static ValueTask<int> FetchValue() => new(1); ";

    [Theory]
    [InlineData("{ System.Threading.Thread.Sleep(10); return 1; }", "System.Threading.Thread.Sleep(10)", "Thread.Sleep")]
    [InlineData("{ Task.Delay(1).Wait(); return 1; }", "Task.Delay(1).Wait()", "Task.Wait()")]
    [InlineData("{ Task<int> t = Fetch(); t.Wait(5); return t.Result; }", "t.Wait(5)", "Task.Wait()")]
    [InlineData("{ Task.WaitAll(Fetch(), Fetch()); return 1; }", "Task.WaitAll(Fetch(), Fetch())", "Task.WaitAll")]
    [InlineData("=> Fetch().Result;", "Fetch().Result", ".Result")]
    [InlineData("=> (FetchValue()).Result;", "(FetchValue()).Result", ".Result")]
    [InlineData("=> Fetch().ConfigureAwait(false).GetAwaiter().GetResult();", "Fetch().ConfigureAwait(false).GetAwaiter().GetResult()", ".GetAwaiter().GetResult()")]
    [InlineData("=> FetchValue().GetAwaiter().GetResult();", "FetchValue().GetAwaiter().GetResult()", ".GetAwaiter().GetResult()")]
    public void FCGI027_ABlockingCallInAHandlerOnAnIoThread(string body, string locatedText, string call)
    {
        Diagnostic d = Single("static class Api { " + Fetch + "[FcgiRoute(\"/x\")] public static int X() " + body + " }", "FCGI027", locatedText, severity: DiagnosticSeverity.Warning);
        Assert.Equal(
            $"Handler 'Api.X' calls {call}, which blocks its thread, and it runs on an I/O thread that other connections wait for meanwhile: await instead, or mark it [FcgiRoute(…, Blocking = true)] to run it on a worker thread",
            d.GetMessage());
    }

    [Theory]
    [InlineData("[FcgiAuthorizer]", "FcgiAuthorizer(Blocking = true)")]
    [InlineData("[FcgiFilter(MaxBodyBytes = 10)]", "FcgiFilter(Blocking = true)")]
    [InlineData("[FcgiRoute(\"/a\", Blocking = true)] [FcgiRoute(\"/b\")]", "FcgiRoute(…, Blocking = true)")]
    public void FCGI027_SaysHowToMarkEachKindOfHandler(string attributes, string mark)
    {
        Diagnostic d = Single("static class Api { " + attributes + " public static FcgiResult X() { System.Threading.Thread.Sleep(1); return FcgiResults.Ok(); } }", "FCGI027", "System.Threading.Thread.Sleep(1)", severity: DiagnosticSeverity.Warning);
        Assert.EndsWith($"or mark it [{mark}] to run it on a worker thread", d.GetMessage(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[FcgiRoute(\"/x\", Blocking = true)] public static int X() { System.Threading.Thread.Sleep(1); return Fetch().Result; }")]
    [InlineData("[FcgiRoute(\"/x\", Blocking = true)] [FcgiRoute(\"/y\", Method = \"POST\", Blocking = true)] public static int X() => Fetch().Result;")]
    [InlineData("[FcgiAuthorizer(Blocking = true)] public static FcgiResult X() { Task.Delay(1).Wait(); return FcgiResults.Ok(); }")]
    [InlineData("[FcgiRoute(\"/x\")] public static async Task<int> X() { Task<int> t = Fetch(); await t; return t.Result; }")]
    [InlineData("[FcgiRoute(\"/x\")] public static ValueTask<int> X() { Task<int> t = Fetch(); return t.IsCompletedSuccessfully ? new(t.Result + t.GetAwaiter().GetResult()) : new(t); }")]
    [InlineData("[FcgiRoute(\"/x\")] public static int X() => Task.FromResult(1).Result + ValueTask.FromResult(2).Result;")]
    [InlineData("[FcgiRoute(\"/x\")] public static int X() { System.Threading.Thread.Sleep(0); Task<int> t = Fetch(); return t.Wait(0) && Task.WaitAll(new Task[] { t }, TimeSpan.Zero) && t.Wait(timeout: TimeSpan.Zero) ? 1 : 0; }")]
    [InlineData("[FcgiRoute(\"/x\")] public static Task X() => Task.Run(() => System.Threading.Thread.Sleep(1));")]
    [InlineData("[FcgiRoute(\"/x\")] public static int X() { return Local(); static int Local() { System.Threading.Thread.Sleep(1); return Fetch().Result; } }")]
    [InlineData("[FcgiRoute(\"/x\")] public static int X() => Helper(); static int Helper() { System.Threading.Thread.Sleep(1); return 1; }")]
    [InlineData("[FcgiRoute(\"/x\")] public static int X() { Sleep(1); return Wait().Result; } static void Sleep(int ms) { } static Job Wait() => new(); public sealed class Job { public int Result => 1; }")]
    [InlineData("[FcgiBefore(AllRoutes = true)] public static FcgiResult? H() { System.Threading.Thread.Sleep(1); return null; } [FcgiRoute(\"/x\", Blocking = true)] public static int X() => 1;")]
    public void FCGI027_NotWhereNothingPlainlyBlocksAnIoThread(string members)
    {
        GeneratorRunner.Run(Usings + "static class Api { " + Fetch + members + " }").AssertCleanBuild();
    }

    [Fact]
    public void FCGI027_IsSilencedByPragmaAroundTheCall()
    {
        GeneratorRun run = GeneratorRunner.Run(Usings + """
            static class Api
            {
                [FcgiRoute("/x")]
                public static int X()
                {
            #pragma warning disable FCGI027
                    System.Threading.Thread.Sleep(1);
            #pragma warning restore FCGI027
                    System.Threading.Thread.Sleep(2);
                    return 1;
                }
            }
            """);

        // The second call is outside the pragma: reported, in the compilation's own tree.
        Diagnostic reported = Assert.Single(run.Diagnostics, static d => d.Id == "FCGI027" && !d.IsSuppressed);
        Assert.Equal(LocationKind.SourceFile, reported.Location.Kind);
        Assert.Contains("Sleep(2)", reported.Location.SourceTree!.GetText().ToString(reported.Location.SourceSpan), System.StringComparison.Ordinal);
        Assert.DoesNotContain(run.Diagnostics, static d => d.Id == "FCGI027" && d.Location.SourceTree!.GetText().ToString(d.Location.SourceSpan).Contains("Sleep(1)", System.StringComparison.Ordinal) && !d.IsSuppressed);
    }

    private const string FormFieldAdvice = "an HTML form with method=\"get\" sends its fields in the query string, which [FcgiQuery] binds; a form that posts them needs a route with Method = \"POST\"";

    private const string FileUploadAdvice = "browsers upload files with a form of method=\"post\" and enctype=\"multipart/form-data\": declare the route with Method = \"POST\"";

    /// <summary>Runs the generator and checks it reports exactly one diagnostic with the id (an error unless said), located on <paramref name="locatedText"/>.</summary>
    /// <remarks>With <paramref name="occurrence"/>, the location must be that occurrence (0-based) of <paramref name="locatedText"/> in the source.</remarks>
    private static Diagnostic Single(string source, string id, string locatedText, int? occurrence = null, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        string text = Usings + source;
        GeneratorRun run = GeneratorRunner.Run(text);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics.Where(d => d.Id == id));
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(locatedText, text.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        if (occurrence is not null)
        {
            int expectedStart = -1;
            for (int i = 0; i <= occurrence; i++)
            {
                expectedStart = text.IndexOf(locatedText, expectedStart + 1, System.StringComparison.Ordinal);
            }

            Assert.Equal(expectedStart, diagnostic.Location.SourceSpan.Start);
        }

        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Empty(diagnostic.Descriptor.HelpLinkUri);
        return diagnostic;
    }
}
