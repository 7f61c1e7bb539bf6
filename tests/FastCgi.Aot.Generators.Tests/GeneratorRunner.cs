using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Runs the route generator over C# sources, the way the compiler does, and loads what it produced.</summary>
internal static class GeneratorRunner
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
    {
        string platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = new HashSet<string>(platform.Split(Path.PathSeparator), StringComparer.Ordinal)
        {
            typeof(FcgiRequest).Assembly.Location,
            typeof(TestJsonContext).Assembly.Location,
        };
        return paths.Where(static p => p.EndsWith(".dll", StringComparison.Ordinal)).Select(static p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "TestApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // The runtime is built for net9.0 and the tests run on net10.0; the SDK silences
                // these two unification warnings by default (NoWarn 1701;1702), and so do we.
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                }));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new RouteGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources)
    {
        CSharpCompilation compilation = CreateCompilation(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun(driver, output, diagnostics);
    }

    public static string Resource(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "resources", name));
}

/// <summary>One run of the generator: what it reported, what it produced, and the compilation with its output.</summary>
internal sealed class GeneratorRun(GeneratorDriver driver, Compilation output, ImmutableArray<Diagnostic> diagnostics)
{
    public GeneratorDriver Driver { get; } = driver;

    public Compilation Output { get; } = output;

    /// <summary>The diagnostics the generator reported.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; } = diagnostics;

    public GeneratorRunResult Result => Driver.GetRunResult().Results.Single();

    public IEnumerable<GeneratedSourceResult> Sources => Result.GeneratedSources;

    /// <summary>Fails unless the generator reported nothing and the input with the output compiles with no warning.</summary>
    public GeneratorRun AssertCleanBuild()
    {
        Assert.Empty(Diagnostics);
        Diagnostic[] problems = Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join(Environment.NewLine, problems.Select(static d => d.ToString())) + Environment.NewLine + string.Concat(Sources.Select(static s => s.SourceText.ToString())));
        return this;
    }

    /// <summary>Emits the compilation and loads it into its own context; the runtime assembly stays the test's.</summary>
    public Assembly Load()
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = Output.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        stream.Position = 0;
        return new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(stream);
    }
}
