using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>The pipeline caches: an edit that does not touch routes re-emits nothing.</summary>
public sealed class IncrementalTests
{
    private const string Unrelated = "static class Other { public static int Value => 1; }";

    [Fact]
    public void AnUnrelatedEditLeavesEveryStepCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        CSharpCompilation edited = ReplaceTree(compilation, 1, "static class Other { public static int Value => 2; public static int More => 3; }");

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result, GeneratorSteps.Handlers);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Resolution);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Diagnostics);
    }

    [Fact]
    public void MovingAHandlerWithinItsFileDoesNotReEmitTheSource()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        CSharpCompilation edited = ReplaceTree(compilation, 0, "\n\n// a comment that moves every handler down\n" + GeneratorRunner.Resource("MinimalApp.cs"));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The handler models hold locations for diagnostics, so they change; the application the
        // source output selects does not, so nothing is emitted again.
        Assert.Contains(result.TrackedSteps[GeneratorSteps.Handlers].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertSourceOutputCached(result);
    }

    [Fact]
    public void ChangingATemplateModifiesTheApplication()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        CSharpCompilation edited = ReplaceTree(compilation, 0, GeneratorRunner.Resource("MinimalApp.cs").Replace("/hello", "/hi", StringComparison.Ordinal));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[GeneratorSteps.Application].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\"hi\"u8", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnrelatedEditLeavesTheRoleHandlersCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("RolesApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 1, "static class Other { public static int Value => 2; public static int More => 3; }");

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result, GeneratorSteps.Authorizers);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Filters);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Resolution);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Diagnostics);
    }

    [Fact]
    public void MovingARoleHandlerWithinItsFileDoesNotReEmitTheSource()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("RolesApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 0, "\n\n// a comment that moves every handler down\n" + GeneratorRunner.Resource("RolesApp.cs"));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertSourceOutputCached(result);
    }

    [Fact]
    public void ChangingTheFilterModifiesTheApplication()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("RolesApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 0, GeneratorRunner.Resource("RolesApp.cs").Replace("[FcgiData] string data", "[FcgiData] string data, int level", StringComparison.Ordinal));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[GeneratorSteps.Filters].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[GeneratorSteps.Application].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\"level\"u8", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnrelatedEditLeavesTheRouteGroupsCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("GroupsApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 1, "static class Other { public static int Value => 2; public static int More => 3; }");

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result, GeneratorSteps.RouteGroups);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Handlers);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Diagnostics);
    }

    [Fact]
    public void ChangingAGroupsPrefixModifiesItsRoutesAndTheApplication()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("GroupsApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 0, GeneratorRunner.Resource("GroupsApp.cs").Replace("[FcgiRouteGroup(\"/admin\")]", "[FcgiRouteGroup(\"/root\")]", StringComparison.Ordinal));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[GeneratorSteps.Handlers].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[GeneratorSteps.Application].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        string source = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("\"root\"u8", source, StringComparison.Ordinal);
        Assert.DoesNotContain("\"admin\"u8", source, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnrelatedEditLeavesTheHooksCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("HooksApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 1, "static class Other { public static int Value => 2; public static int More => 3; }");

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result, GeneratorSteps.BeforeHooks);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Resolution);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
    }

    [Fact]
    public void MovingAHookWithinItsFileDoesNotReEmitTheSource()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("HooksApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 0, "\n\n// a comment that moves every hook down\n" + GeneratorRunner.Resource("HooksApp.cs"));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[GeneratorSteps.BeforeHooks].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertSourceOutputCached(result);
    }

    [Fact]
    public void ChangingAHookModifiesTheApplication()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("HooksApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 0, GeneratorRunner.Resource("HooksApp.cs").Replace("[FcgiHeader(\"X-Block\")] string? block", "[FcgiHeader(\"X-Stop\")] string? block", StringComparison.Ordinal));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[GeneratorSteps.BeforeHooks].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[GeneratorSteps.Application].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\"HTTP_X_STOP\"u8", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddingAnAfterHookModifiesTheApplicationAndAnUnrelatedEditDoesNot()
    {
        const string After = "public static class Log { [FcgiAfter] public static void Access(FcgiRequest request, in FcgiRequestSummary summary) { } }";
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        CSharpCompilation withHook = ReplaceTree(compilation, 1, "using FastCgi.Aot;\n" + After);

        driver = driver.RunGenerators(withHook);
        GeneratorRunResult added = driver.GetRunResult().Results.Single();
        Assert.Contains(added.TrackedSteps[GeneratorSteps.Application].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("OnRequestCompleted", added.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);

        CSharpCompilation edited = ReplaceTree(withHook, 0, GeneratorRunner.Resource("MinimalApp.cs") + "\nstatic class More { public static int Value => 4; }");
        GeneratorRunResult unrelated = driver.RunGenerators(edited).GetRunResult().Results.Single();
        AssertAllCachedOrUnchanged(unrelated, GeneratorSteps.AfterHooks);
        AssertAllCachedOrUnchanged(unrelated, GeneratorSteps.Application);
    }

    [Fact]
    public void AnUnrelatedEditLeavesFormsFilesAndCookiesCached()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("FormsApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 1, "static class Other { public static int Value => 2; public static int More => 3; }");

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result, GeneratorSteps.Handlers);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.BeforeHooks);
        AssertAllCachedOrUnchanged(result, GeneratorSteps.Application);
        AssertSourceOutputCached(result);
    }

    [Theory]
    [InlineData("[FcgiForm(\"e-mail\")]", "[FcgiForm(\"mail\")]", "\"mail\"u8")]
    [InlineData("[FcgiCookie(\"theme\")] string? theme", "[FcgiCookie(\"skin\")] string? theme", "\"skin\"u8")]
    [InlineData("List<FcgiFile>? extras", "FcgiFile[]? extras", "global::FastCgi.Aot.FcgiFile[]? p2 = p2Files.Count == 0 ? default : p2Files.ToArray();")]
    [InlineData("[FcgiForm] List<int> n", "[FcgiForm] List<long> n", "TryParseUtf8<long>")]
    public void ChangingAFormFileOrCookieParameterModifiesTheApplication(string before, string after, string emitted)
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce("FormsApp.cs");
        CSharpCompilation edited = ReplaceTree(compilation, 0, GeneratorRunner.Resource("FormsApp.cs").Replace(before, after, StringComparison.Ordinal));

        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[GeneratorSteps.Handlers].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[GeneratorSteps.Application].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(emitted, result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoStepOutputHoldsASymbolSyntaxOrCompilation()
    {
        GeneratorRun run = GeneratorRunner.Run(GeneratorRunner.Resource("SampleApp.cs"), GeneratorRunner.Resource("RolesApp.cs"), GeneratorRunner.Resource("HooksApp.cs"), GeneratorRunner.Resource("FormsApp.cs"));
        string[] ours =
        [
            GeneratorSteps.Handlers, GeneratorSteps.Authorizers, GeneratorSteps.Filters, GeneratorSteps.RouteGroups, GeneratorSteps.BeforeHooks, GeneratorSteps.AfterHooks,
            GeneratorSteps.JsonContext, GeneratorSteps.ServerRegistration, GeneratorSteps.Resolution, GeneratorSteps.Application, GeneratorSteps.Diagnostics,
        ];
        foreach (string name in ours)
        {
            Assert.True(run.Result.TrackedSteps.ContainsKey(name), $"step {name} did not run");
            foreach (IncrementalGeneratorRunStep step in run.Result.TrackedSteps[name])
            {
                foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                {
                    AssertNoRoslynObjects(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }
        }
    }

    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree || (value is Location location && location.SourceTree is not null),
            $"{path} holds a {value.GetType().Name}");

        // DiagnosticDescriptor is immutable metadata, safe to keep; TextSpan and LinePositionSpan are values.
        if (value is DiagnosticDescriptor or TextSpan or LinePositionSpan)
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (object? item in sequence)
            {
                AssertNoRoslynObjects(item, $"{path}[{i++}]", visited);
            }
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertNoRoslynObjects(field.GetValue(value), path + "." + field.Name, visited);
        }
    }

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) RunOnce(string resource = "MinimalApp.cs")
    {
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(GeneratorRunner.Resource(resource), Unrelated);
        GeneratorDriver driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        return (driver, compilation);
    }

    private static CSharpCompilation ReplaceTree(CSharpCompilation compilation, int index, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, GeneratorRunner.ParseOptions, old.FilePath));
    }

    /// <summary>The source output did not run again: its input, the application, was cached or unchanged.</summary>
    private static void AssertSourceOutputCached(GeneratorRunResult result)
    {
        IncrementalGeneratorRunStep[] outputs = result.TrackedOutputSteps.SelectMany(static s => s.Value).ToArray();
        Assert.NotEmpty(outputs);
        foreach (IncrementalGeneratorRunStep output in outputs)
        {
            foreach ((object _, IncrementalStepRunReason reason) in output.Outputs)
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output step was {reason}");
            }
        }
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result, string step)
    {
        Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} did not run");
        foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
        {
            foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} was {reason}");
            }
        }
    }
}
