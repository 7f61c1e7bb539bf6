using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// Issues 5 and 7: requests from a client that keeps sending while the app is stopped with SIGTERM
/// and started again on a socket it did not create lose nothing, whether the socket is inherited
/// on descriptor 0 (spawn-fcgi, lighttpd) or passed by systemd socket activation (descriptor 3).
/// </summary>
/// <remarks>
/// The test owns the listening socket, as systemd or spawn-fcgi's parent would, so it outlives
/// both application processes: connections made while no application runs wait in its backlog.
/// <see cref="PassedSocket"/> says how each process gets it.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class RestartTests(SampleFixture fixture, ITestOutputHelper output)
{
    private const int Clients = 4;

    /// <summary>Requests each process must serve before the test moves on.</summary>
    private const int RequestsPerProcess = 300;

    [EndToEndFact]
    public async Task Requests_through_nginx_lose_nothing_while_the_app_restarts_on_its_inherited_socket()
    {
        using var servers = new ServerSet(fixture, "restart-nginx");
        await RestartBehindNginxAsync(servers, Passing.Descriptor0).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Requests_sent_directly_on_new_connections_lose_nothing_while_the_app_restarts_on_its_inherited_socket()
    {
        using var servers = new ServerSet(fixture, "restart-direct");
        await RestartDirectAsync(servers, Passing.Descriptor0).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Requests_through_nginx_lose_nothing_while_the_app_restarts_on_its_systemd_activated_socket()
    {
        using var servers = new ServerSet(fixture, "restart-systemd-nginx");
        await RestartBehindNginxAsync(servers, Passing.Systemd).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Requests_sent_directly_on_new_connections_lose_nothing_while_the_app_restarts_on_its_systemd_activated_socket()
    {
        using var servers = new ServerSet(fixture, "restart-systemd-direct");
        await RestartDirectAsync(servers, Passing.Systemd).ConfigureAwait(false);
    }

    /// <summary>How the test passes its socket to each application process.</summary>
    private enum Passing
    {
        /// <summary>On descriptor 0, as spawn-fcgi and lighttpd do.</summary>
        Descriptor0,

        /// <summary>On descriptor 3 with LISTEN_FDS and LISTEN_PID, as systemd socket activation does.</summary>
        Systemd,
    }

    private async Task RestartBehindNginxAsync(ServerSet servers, Passing passing)
    {
        using Socket listener = PassedSocket.Listen(servers.Path("app.sock"));
        await servers.VerifyAsync(async () =>
        {
            int port = await servers.StartNginxAsync(servers.Path("app.sock")).ConfigureAwait(false);
            var clients = Enumerable.Range(0, Clients).Select(_ => ServerSet.HttpClient(port)).ToArray();
            try
            {
                await RestartUnderLoadAsync(servers, listener, passing, async (client, i) =>
                {
                    string expected = (client + i).ToString(CultureInfo.InvariantCulture);
                    await SampleContract.AssertAnswerAsync(clients[client], $"/add?a={client}&b={i}", HttpStatusCode.OK, SampleContract.PlainText, expected).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            finally
            {
                Array.ForEach(clients, c => c.Dispose());
            }
        }).ConfigureAwait(false);
    }

    private async Task RestartDirectAsync(ServerSet servers, Passing passing)
    {
        string path = servers.Path("app.sock");
        using Socket listener = PassedSocket.Listen(path);
        await servers.VerifyAsync(() => RestartUnderLoadAsync(servers, listener, passing, async (client, i) =>
        {
            CgiResponse response = await RawFcgiClient.GetAsync(path, $"/add?a={client}&b={i}").ConfigureAwait(false);
            Assert.Equal(200, response.Status);
            Assert.Equal((client + i).ToString(CultureInfo.InvariantCulture), response.BodyText);
        })).ConfigureAwait(false);
    }

    private async Task RestartUnderLoadAsync(ServerSet servers, Socket listener, Passing passing, Func<int, int, Task> request)
    {
        ChildProcess first = await StartAsync(servers, listener, passing, "HelloFcgi (first)").ConfigureAwait(false);
        var served = new ConcurrentQueue<(long Start, long End)>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        Task[] loops = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    // A lost request would hang: give each one a deadline.
                    await request(client, i).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
                    served.Enqueue((start, Stopwatch.GetTimestamp()));
                }
                catch (Exception exception)
                {
                    failures.Enqueue($"client {client} request {i}: {exception.GetType().Name}: {exception.Message}");
                }
            }
        })).ToArray();

        try
        {
            await ServerSet.WaitForAsync(() => served.Count >= RequestsPerProcess || !failures.IsEmpty || first.HasExited, $"{RequestsPerProcess} requests to the first process").ConfigureAwait(false);
            Assert.False(first.HasExited, "the first process exited on its own");
            long signalled = Stopwatch.GetTimestamp();
            first.Signal(Native.SIGTERM);
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(15)), "the first process did not stop within 15 s of SIGTERM");
            Assert.Equal(0, first.ExitCode);
            long exited = Stopwatch.GetTimestamp();

            // Clients keep sending; their connections wait in the backlog of the socket the test holds.
            await Task.Delay(300).ConfigureAwait(false);
            long restarted = Stopwatch.GetTimestamp();
            ChildProcess second = await StartAsync(servers, listener, passing, "HelloFcgi (second)").ConfigureAwait(false);
            await ServerSet.WaitForAsync(() => served.Count(r => r.Start > restarted) >= RequestsPerProcess || !failures.IsEmpty || second.HasExited, $"{RequestsPerProcess} requests to the second process").ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);

            int beforeSignal = served.Count(r => r.End < signalled);
            int waited = served.Count(r => r.Start < exited && r.End > restarted);
            int afterExit = served.Count(r => r.Start > exited);
            output.WriteLine($"{served.Count + failures.Count} requests sent, {failures.Count} failed: {beforeSignal} answered before SIGTERM, {waited} waited in the backlog from the first process to the second, {afterExit} sent after the first process exited");
            Assert.True(failures.IsEmpty, $"{failures.Count} of {failures.Count + served.Count} requests failed:\n{string.Join('\n', failures.Take(20))}");
            Assert.True(beforeSignal > 0, "the first process served nothing before SIGTERM");
            Assert.True(waited > 0, "no request waited in the backlog from the first process to the second");
            Assert.True(afterExit > 0, "the second process served nothing");
            Assert.False(second.HasExited, "the second process stopped");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts one process on the socket and checks it took that socket: its startup line names
    /// the socket and its own pid, and its descriptor 0 (inherited) or 3 (systemd) is the very
    /// socket the test holds. For systemd, descriptor 0 is a pipe, so nothing else could serve.
    /// </summary>
    private async Task<ChildProcess> StartAsync(ServerSet servers, Socket listener, Passing passing, string name)
    {
        ChildProcess app = passing == Passing.Systemd
            ? PassedSocket.StartSocketActivated(servers, listener, fixture.Sample.Executable, name)
            : PassedSocket.StartOnDescriptor0(servers, listener, fixture.Sample.Executable, name);
        string path = servers.Path("app.sock");
        await app.WaitForLogAsync($"fastcgi: listening on unix:{path} (pid {app.Id})", TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        string socket = PassedSocket.Identity(listener);
        if (passing == Passing.Systemd)
        {
            Assert.Equal(socket, PassedSocket.DescribeDescriptor(app.Id, PassedSocket.SystemdDescriptor));
            Assert.StartsWith("pipe:", PassedSocket.DescribeDescriptor(app.Id, 0), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(socket, PassedSocket.DescribeDescriptor(app.Id, 0));
        }

        return app;
    }
}
