using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// samples/HelloFcgi cross-compiled on this x64 machine with `dotnet publish -r linux-arm64` (the
/// package's build targets pick clang and the aarch64 binutils), run under qemu-aarch64 as it would
/// run on a Raspberry Pi-class host, behind the same web servers as the x64 executable.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class Arm64Tests(SampleFixture fixture, ITestOutputHelper output)
{
    [EndToEndFact]
    public void The_sample_published_for_linux_arm64_is_a_static_stripped_aarch64_executable()
    {
        ElfFile elf = ElfFile.Read(Sample().Executable);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"HelloFcgi linux-arm64: {elf.Size} bytes ({elf.Size / 1048576.0:0.000} MiB)"));
        Assert.Equal(ElfFile.MachineArm64, elf.Machine);
        Assert.True(elf.IsStatic, "the arm64 executable is dynamically linked");
        Assert.False(elf.HasSymbolTable, "the arm64 executable was not stripped");
    }

    [EndToEndFact]
    public async Task Under_qemu_every_sample_route_and_the_echo_answer_through_nginx()
    {
        using var servers = new ServerSet(fixture, "arm64-nginx");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync(Command()).ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));
            await SampleContract.AssertEveryGetRouteAsync(client).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 0, 31).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 70_000, 32).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 1024 * 1024, 33).ConfigureAwait(false);
            await SampleContract.AssertAnswerAsync(client, "/hello", HttpStatusCode.OK, SampleContract.PlainText, "Hello, World!").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Under_qemu_the_sample_authorizes_for_apache_mod_authnz_fcgi()
    {
        using var servers = new ServerSet(fixture, "arm64-authorizer");
        await servers.VerifyAsync(async () =>
        {
            int authorizer = await servers.StartAppOnTcpAsync(Command(), new Dictionary<string, string> { ["HELLO_TOKEN"] = "arm64-token" }).ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartApacheAuthorizerAsync(authorizer).ConfigureAwait(false));
            await SampleContract.AssertApacheAuthorizerAsync(client, "arm64-token").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The arm64 sample, published once for these tests.</summary>
    private PublishResult Sample()
    {
        PublishResult result = fixture.PublishOnce("HelloFcgi linux-arm64", () =>
        {
            fixture.RequireArm64Toolchain();
            string output = fixture.CreateDirectory("publish-arm64");
            string project = Path.Combine(SampleFixture.RepositoryRoot(), "samples", "HelloFcgi");
            (int exitCode, string log) = SampleFixture.RunDotnet(["publish", project, "-r", "linux-arm64", "-o", output], workingDirectory: null);
            return new PublishResult(exitCode, log, Path.Combine(output, "HelloFcgi"), output);
        });
        Assert.True(result.ExitCode == 0, "dotnet publish samples/HelloFcgi -r linux-arm64 failed:\n" + result.Log);
        Assert.DoesNotMatch(@"\bIL[23]\d{3}\b", result.Log);
        return result;
    }

    private AppCommand Command() =>
        AppCommand.Emulated("HelloFcgi (arm64, qemu)", fixture.Program("qemu-aarch64"), Sample().Executable);
}
