using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>The generated application is a public type another assembly (a test project) can name.</summary>
public sealed class ApplicationTypeTests
{
    [Fact]
    public void TheApplicationIsPublicAndSealed()
    {
        System.Type type = new InMemoryServer(GeneratorRunner.Run(GeneratorRunner.Resource("MinimalApp.cs")).AssertCleanBuild().Load()).ApplicationType;
        Assert.True(type.IsPublic);
        Assert.True(type.IsSealed);
    }

    [Fact]
    public void AnotherAssemblyCanUseItAsATypeArgument()
    {
        // What a test project does: FcgiTestClient.Create<FastCgi.Aot.Generated.FcgiApplication>(),
        // a generic method constrained to IFcgiApplication, over the application's assembly.
        MetadataReference app = Image(GeneratorRunner.Run(GeneratorRunner.Resource("MinimalApp.cs")).AssertCleanBuild());
        CSharpCompilation tests = GeneratorRunner.CreateCompilation("""
            using FastCgi.Aot;
            public static class Client
            {
                public static bool Create<TApp>() where TApp : IFcgiApplication => TApp.AcceptsRole(FastCgi.Aot.Protocol.FcgiRole.Responder);
                public static bool Use() => Create<FastCgi.Aot.Generated.FcgiApplication>();
            }
            """);

        // The reference sample, which the test host loads, has a public FcgiApplication too; a test
        // project references the one application it tests.
        tests = tests.RemoveReferences(tests.References.Where(static r => r.Display?.EndsWith("HelloFcgi.dll", System.StringComparison.Ordinal) == true)).AddReferences(app);
        Assert.Empty(tests.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void AReferencedAssemblysOwnApplicationDoesNotDisturbThisOne()
    {
        // A library of routes referenced by an application with routes of its own: two public types
        // of one name. The generated code names its own (the one in source) without a warning.
        MetadataReference library = Image(GeneratorRunner.Run(GeneratorRunner.Resource("MinimalApp.cs")).AssertCleanBuild());
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(GeneratorRunner.Resource("RolesApp.cs")).AddReferences(library);
        CSharpGeneratorDriver.Create([new RouteGenerator().AsSourceGenerator()], parseOptions: GeneratorRunner.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.Empty(diagnostics);
        Assert.Contains(output.SyntaxTrees, static t => t.ToString().Contains("RegisterApplication<FcgiApplication>", System.StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void EveryPublicMemberIsDocumented()
    {
        // A project that builds its documentation file warns (CS1591) on an undocumented public
        // member, generated or not; with warnings as errors that would fail its build.
        CSharpParseOptions options = GeneratorRunner.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);

        // HooksApp has routes, hooks of both kinds and an authorizer: every member the emitter writes.
        CSharpCompilation compilation = GeneratorRunner.CreateCompilation(GeneratorRunner.Resource("HooksApp.cs"));
        compilation = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees.Select(t => t.WithRootAndOptions(t.GetRoot(), options)));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new RouteGenerator().AsSourceGenerator()], parseOptions: options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> _);
        SyntaxTree generated = output.SyntaxTrees.Last();
        Assert.Contains("public sealed class FcgiApplication", generated.ToString(), System.StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Location.SourceTree == generated && d.Severity >= DiagnosticSeverity.Warning));
    }

    private static MetadataReference Image(GeneratorRun run)
    {
        using var image = new MemoryStream();
        Assert.True(run.Output.Emit(image).Success);
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
