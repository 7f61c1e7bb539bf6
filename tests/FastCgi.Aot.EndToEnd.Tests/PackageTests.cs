using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>How users consume the project: the FastCgi.Aot package, generator inside, from a feed.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PackageTests(SampleFixture fixture)
{
    private const string AppProgram = """
        using FastCgi.Aot;

        return FcgiServer.Run(args);

        static class Api
        {
            [FcgiRoute("/ping")]
            public static string Ping() => "pong from a package";

            [FcgiRoute("/double")]
            public static int Double(int x) => 2 * x;
        }
        """;

    /// <summary>
    /// The project is a package reference and PublishAot, nothing else: the package's build targets
    /// make the executable static and stripped.
    /// </summary>
    [EndToEndFact]
    public async Task An_app_outside_the_solution_that_only_references_the_package_publishes_one_static_stripped_executable_that_serves()
    {
        PackagedApp app = PackagedApp.Create(fixture, "PackagedApp", AppProgram);
        string executable = app.PublishExecutable(fixture, "linux-x64");

        ElfFile elf = ElfFile.Read(executable);
        Assert.Equal(ElfFile.MachineX64, elf.Machine);
        Assert.True(elf.IsStatic, "the executable is dynamically linked (it has a PT_INTERP or PT_DYNAMIC header)");
        Assert.False(elf.HasSymbolTable, "the executable still has its .symtab: it was not stripped");
        Assert.False(
            Directory.EnumerateFiles(Path.GetDirectoryName(executable)!).Any(file => file.EndsWith(".dbg", System.StringComparison.Ordinal)),
            "a .dbg file of native symbols was published beside the executable");

        using var servers = new ServerSet(fixture, "package-run");
        string socket = servers.Path("app.sock");
        ChildProcess process = servers.Add(ChildProcess.Start("PackagedApp", executable, ["--socket", socket]));

        CgiResponse ping = await PublishedExecutableTests.FirstAnswerAsync(socket, process, "/ping");
        Assert.True(ping.Status == 200, servers.Logs());
        Assert.Equal("pong from a package", ping.BodyText);

        CgiResponse doubled = await RawFcgiClient.GetAsync(socket, "/double?x=21");
        Assert.Equal(200, doubled.Status);
        Assert.Equal("42", doubled.BodyText);

        CgiResponse missing = await RawFcgiClient.GetAsync(socket, "/double");
        Assert.Equal(400, missing.Status);
    }

    /// <summary>FcgiStaticExecutable=false gives back the SDK's own executable: dynamically linked.</summary>
    [EndToEndFact]
    public async Task With_FcgiStaticExecutable_false_the_package_leaves_the_sdks_dynamically_linked_executable()
    {
        PackagedApp app = PackagedApp.Create(fixture, "DynamicApp", AppProgram, "<FcgiStaticExecutable>false</FcgiStaticExecutable>");
        string executable = app.PublishExecutable(fixture, "linux-x64");
        Assert.True(ElfFile.Read(executable).HasInterpreter, "FcgiStaticExecutable=false still gave a static executable");

        using var servers = new ServerSet(fixture, "package-dynamic");
        string socket = servers.Path("app.sock");
        ChildProcess process = servers.Add(ChildProcess.Start("DynamicApp", executable, ["--socket", socket]));
        CgiResponse ping = await PublishedExecutableTests.FirstAnswerAsync(socket, process, "/ping");
        Assert.True(ping.Status == 200, servers.Logs());
        Assert.Equal("pong from a package", ping.BodyText);
    }
}
