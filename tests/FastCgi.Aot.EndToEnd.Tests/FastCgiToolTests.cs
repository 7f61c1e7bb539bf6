using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>spawn-fcgi and libfcgi's reference client cgi-fcgi, with no web server in between.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class FastCgiToolTests(SampleFixture fixture)
{
    private const string HelloResponse = "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!";

    [EndToEndFact]
    public async Task Spawn_fcgi_passes_its_socket_on_descriptor_0_and_the_executable_serves_hello_on_it()
    {
        using var servers = new ServerSet(fixture, "spawn-fcgi");
        string socket = servers.Path("spawned.sock");
        await servers.VerifyAsync(async () =>
        {
            // -n: spawn-fcgi does not fork, it becomes the application with the socket on descriptor 0.
            ChildProcess app = servers.Add(ChildProcess.Start(
                "spawn-fcgi", fixture.Program("spawn-fcgi"), ["-n", "-s", socket, "-M", "0600", "--", fixture.Sample.Executable]));
            await ServerSet.WaitForUnixSocketAsync(socket, app).ConfigureAwait(false);
            for (int i = 0; i < 3; i++)
            {
                CgiResponse response = await RawFcgiClient.GetAsync(socket, "/hello").ConfigureAwait(false);
                Assert.Equal(HelloResponse, Encoding.UTF8.GetString(response.Raw));
            }

            Assert.False(app.HasExited, "the spawned executable stopped after serving");
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Cgi_fcgi_gets_the_exact_cgi_response_for_hello()
    {
        using var servers = new ServerSet(fixture, "cgi-fcgi");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync().ConfigureAwait(false);
            // cgi-fcgi sends its whole environment as the request's PARAMS.
            var environment = new Dictionary<string, string> { ["REQUEST_METHOD"] = "GET", ["REQUEST_URI"] = "/hello" };
            (int exitCode, byte[] stdout, string stderr) = await ChildProcess.RunAsync(
                fixture.Program("cgi-fcgi"), ["-bind", "-connect", socket], environment, clearEnvironment: true, ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            Assert.True(exitCode == 0, $"cgi-fcgi exited with {exitCode}: {stderr}");
            Assert.Equal(HelloResponse, Encoding.UTF8.GetString(stdout));
            Assert.Equal("", stderr);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Cgi_fcgi_posts_a_body_through_stdin_and_gets_it_back()
    {
        using var servers = new ServerSet(fixture, "cgi-fcgi-post");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync().ConfigureAwait(false);
            byte[] body = new byte[200_000];
            new Random(5).NextBytes(body);
            var environment = new Dictionary<string, string>
            {
                ["REQUEST_METHOD"] = "POST",
                ["REQUEST_URI"] = "/echo",
                ["CONTENT_TYPE"] = "application/x-cgi-fcgi",
                ["CONTENT_LENGTH"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            (int exitCode, byte[] stdout, string stderr) = await ChildProcess.RunAsync(
                fixture.Program("cgi-fcgi"), ["-bind", "-connect", socket], environment, clearEnvironment: true, body, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            Assert.True(exitCode == 0, $"cgi-fcgi exited with {exitCode}: {stderr}");
            CgiResponse response = CgiResponse.Parse(stdout);
            Assert.Equal(200, response.Status);
            Assert.Equal("application/x-cgi-fcgi", response.Header("Content-Type"));
            // A body this large is streamed, so Content-Length is optional; when present it must be exact.
            Assert.True(response.Header("Content-Length") is null or "200000", $"Content-Length: {response.Header("Content-Length")}");
            Assert.True(body.AsSpan().SequenceEqual(response.Body), $"the echoed body ({response.Body.Length} bytes) differs from the {body.Length} bytes sent");
        }).ConfigureAwait(false);
    }
}
