using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>The executable on its own: as a CGI program, and in an empty root directory.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class StandaloneTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task Run_as_a_cgi_program_the_executable_echoes_the_body_from_stdin_on_stdout()
    {
        byte[] body = new byte[100_000];
        new Random(6).NextBytes(body);
        var environment = new Dictionary<string, string>
        {
            ["GATEWAY_INTERFACE"] = "CGI/1.1",
            ["SERVER_PROTOCOL"] = "HTTP/1.1",
            ["REQUEST_METHOD"] = "POST",
            ["REQUEST_URI"] = "/echo",
            ["SCRIPT_NAME"] = "/echo",
            ["QUERY_STRING"] = "",
            ["CONTENT_LENGTH"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CONTENT_TYPE"] = "application/x-cgi-body",
        };

        // Standard input is a pipe here, not a socket: that and GATEWAY_INTERFACE select CGI mode.
        (int exitCode, byte[] stdout, string stderr) = await ChildProcess.RunAsync(
            fixture.Sample.Executable, [], environment, clearEnvironment: true, body, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        byte[] expected = [.. "Status: 200 OK\r\nContent-Type: application/x-cgi-body\r\nContent-Length: 100000\r\n\r\n"u8, .. body];
        Assert.True(
            expected.AsSpan().SequenceEqual(stdout),
            $"stdout ({stdout.Length} bytes) is not the expected CGI response ({expected.Length} bytes); it begins: {Encoding.UTF8.GetString(stdout.AsSpan(0, Math.Min(200, stdout.Length)))}\nstderr: {stderr}");
    }

    [EndToEndFact]
    public async Task Alone_in_an_empty_root_directory_the_executable_serves_a_request()
    {
        Assert.True(SampleFixture.IsRoot, "chroot needs root: run the end-to-end tests as root (CI does), or set FCGI_E2E_SKIP=1 outside CI");
        using var servers = new ServerSet(fixture, "chroot");
        string root = servers.Path("root");
        Directory.CreateDirectory(root);
        File.Copy(fixture.Sample.Executable, Path.Combine(root, "HelloFcgi"));
        Assert.Equal(["HelloFcgi"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
        string socket = Path.Combine(root, "s.sock");
        await servers.VerifyAsync(async () =>
        {
            // No /proc, /dev, /etc, /tmp or libraries: only the executable, as in a FROM scratch image.
            ChildProcess app = servers.Add(ChildProcess.Start(
                "chroot HelloFcgi", SampleFixture.FindProgram("chroot") ?? "/usr/sbin/chroot", [root, "/HelloFcgi", "--socket", "/s.sock"], clearEnvironment: true));
            await ServerSet.WaitForUnixSocketAsync(socket, app).ConfigureAwait(false);
            CgiResponse response = await RawFcgiClient.GetAsync(socket, "/users/7").ConfigureAwait(false);
            Assert.Equal(200, response.Status);
            Assert.Equal(SampleContract.Json, response.Header("Content-Type"));
            Assert.Equal("""{"id":7,"name":"user7"}""", response.BodyText);
            response = await RawFcgiClient.GetAsync(socket, "/hello").ConfigureAwait(false);
            Assert.Equal("Hello, World!", response.BodyText);

            // SIGTERM stops it cleanly and it removes its socket, even in there.
            // FcgiServer registers its SIGTERM handler before it creates the socket, so a SIGTERM at any
            // time after the first answer stops it gracefully (exit 0; EarlySigtermTests checks that).
            // Waiting for "listening on" here only checks that the line is logged.
            await app.WaitForLogAsync("fastcgi: listening on", TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            app.Signal(Native.SIGTERM);
            Assert.True(app.WaitForExit(TimeSpan.FromSeconds(15)), "it did not stop within 15 s of SIGTERM");
            Assert.Equal(0, app.ExitCode);
            Assert.False(File.Exists(socket), "the socket file is left behind");
        }).ConfigureAwait(false);
    }
}
