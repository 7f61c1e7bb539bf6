using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// `dotnet new fcgi` as a user runs it: the FastCgi.Aot.Templates package installed from the folder
/// feed, a project created, its tests run, and its executable published for linux-x64 (served
/// behind nginx) and linux-arm64 (served under qemu-aarch64).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TemplateTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task Dotnet_new_fcgi_creates_an_app_whose_tests_pass_and_that_publishes_static_for_x64_and_arm64_and_serves()
    {
        PackageFeed feed = fixture.Feed;
        feed.Pack(Path.Combine(SampleFixture.RepositoryRoot(), "templates", "FastCgi.Aot.Templates", "FastCgi.Aot.Templates.csproj"), "FastCgi.Aot.Templates");

        // The template's tests send requests through the in-memory test client, as a user's would.
        feed.Pack(Path.Combine(SampleFixture.RepositoryRoot(), "src", "FastCgi.Aot.Testing", "FastCgi.Aot.Testing.csproj"), "FastCgi.Aot.Testing");

        // A hive of its own, so the test neither sees nor changes the templates the user installed.
        string hive = fixture.CreateDirectory("template-hive");
        string parent = fixture.CreateDirectory("template-app");
        string project = Path.Combine(parent, "MyApp");
        Run(["new", "install", $"FastCgi.Aot.Templates@{feed.Version}", "--add-source", feed.Directory, "--debug:custom-hive", hive], parent, builds: false);
        Run(["new", "fcgi", "-n", "MyApp", "-o", project, "--debug:custom-hive", hive], parent, builds: false);

        foreach (string file in new[] { "MyApp.slnx", "Dockerfile", "deploy/nginx.conf", "deploy/myapp.service", "deploy/myapp.socket", "src/MyApp/Program.cs", "tests/MyApp.Tests/ApiTests.cs", "tests/MyApp.Tests/RequestTests.cs" })
        {
            Assert.True(File.Exists(Path.Combine(project, file)), $"dotnet new fcgi did not create {file}");
        }

        // Every mention of the template's placeholder name became the chosen one, in paths and in text.
        foreach (string file in Directory.GetFiles(project, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("myfcgiapp", file, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("myfcgiapp", File.ReadAllText(file), StringComparison.OrdinalIgnoreCase);
        }

        // The project is the package reference and PublishAot: nothing copied from the sample.
        string csproj = File.ReadAllText(Path.Combine(project, "src", "MyApp", "MyApp.csproj"));
        Assert.Contains($"<PackageReference Include=\"FastCgi.Aot\" Version=\"{feed.Version}\" />", csproj, StringComparison.Ordinal);
        Assert.DoesNotContain("StaticExecutable", csproj, StringComparison.Ordinal);
        Assert.Contains("FROM scratch", File.ReadAllText(Path.Combine(project, "Dockerfile")), StringComparison.Ordinal);

        feed.WriteNuGetConfig(project);
        string testLog = Run(["test", project], project);
        Assert.Contains("Passed!", testLog, StringComparison.Ordinal);
        Assert.Matches(@"Passed:\s+8\b", testLog);

        string x64 = Publish(project, "linux-x64");
        ElfFile x64Elf = ElfFile.Read(x64);
        Assert.True(x64Elf.Machine == ElfFile.MachineX64 && x64Elf.IsStatic && !x64Elf.HasSymbolTable, "the linux-x64 executable is not static and stripped");
        using (var servers = new ServerSet(fixture, "template-x64"))
        {
            await servers.VerifyAsync(async () =>
            {
                (_, string socket) = await servers.StartAppAsync(AppCommand.Native("MyApp", x64)).ConfigureAwait(false);
                using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));
                await SampleContract.AssertAnswerAsync(client, "/hello", HttpStatusCode.OK, SampleContract.PlainText, "Hello, World!").ConfigureAwait(false);
                await SampleContract.AssertAnswerAsync(client, "/add?a=40&b=2", HttpStatusCode.OK, SampleContract.PlainText, "42").ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        fixture.RequireArm64Toolchain();
        string arm64 = Publish(project, "linux-arm64");
        ElfFile arm64Elf = ElfFile.Read(arm64);
        Assert.True(arm64Elf.Machine == ElfFile.MachineArm64 && arm64Elf.IsStatic && !arm64Elf.HasSymbolTable, "the linux-arm64 executable is not static and stripped");
        using (var servers = new ServerSet(fixture, "template-arm64"))
        {
            await servers.VerifyAsync(async () =>
            {
                (_, string socket) = await servers.StartAppAsync(AppCommand.Emulated("MyApp (arm64, qemu)", fixture.Program("qemu-aarch64"), arm64)).ConfigureAwait(false);
                CgiResponse response = await RawFcgiClient.GetAsync(socket, "/add?a=40&b=2").ConfigureAwait(false);
                Assert.Equal(200, response.Status);
                Assert.Equal("42", response.BodyText);
            }).ConfigureAwait(false);
        }
    }

    private string Publish(string project, string runtimeIdentifier)
    {
        fixture.RequireNativeAotToolchain();
        string output = fixture.CreateDirectory("template-publish-" + runtimeIdentifier);
        Run(["publish", Path.Combine(project, "src", "MyApp"), "-r", runtimeIdentifier, "-o", output], project);
        Assert.Equal(["MyApp"], Array.ConvertAll(Directory.GetFileSystemEntries(output), entry => Path.GetFileName(entry)));
        return Path.Combine(output, "MyApp");
    }

    private static string Run(string[] arguments, string workingDirectory, bool builds = true)
    {
        (int exitCode, string log) = SampleFixture.RunDotnet(arguments, workingDirectory, builds);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed with exit code {exitCode}:\n{log}");
        return log;
    }
}
