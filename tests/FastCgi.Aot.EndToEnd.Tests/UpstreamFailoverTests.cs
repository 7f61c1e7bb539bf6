using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// Issue 7: two instances of the app behind one nginx upstream; one of them dies under load and
/// nginx moves its requests to the other, so no idempotent request fails.
/// </summary>
/// <remarks>
/// nginx retries a request on the next server after a connection error (<c>fastcgi_next_upstream
/// error timeout</c>, the default): a refused connect, or a connection that closes before the
/// response header. It does so for a non-idempotent request (POST, PATCH, LOCK) only before it
/// has sent it, unless <c>non_idempotent</c> is added; this test sends GET.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed class UpstreamFailoverTests(SampleFixture fixture, ITestOutputHelper output)
{
    private const int Clients = 4;

    /// <summary>Requests served before the kill, and again after it.</summary>
    private const int RequestsPerPhase = 300;

    [EndToEndFact]
    public async Task Idempotent_requests_through_one_nginx_upstream_lose_nothing_when_one_of_two_instances_is_killed()
    {
        using var servers = new ServerSet(fixture, "failover-kill");
        await FailOverUnderLoadAsync(servers, Native.SIGKILL).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Idempotent_requests_through_one_nginx_upstream_lose_nothing_when_one_of_two_instances_stops_gracefully()
    {
        using var servers = new ServerSet(fixture, "failover-term");
        await FailOverUnderLoadAsync(servers, Native.SIGTERM).ConfigureAwait(false);
    }

    private async Task FailOverUnderLoadAsync(ServerSet servers, int signal)
    {
        await servers.VerifyAsync(async () =>
        {
            (ChildProcess doomed, string doomedSocket) = await servers.StartAppAsync("a.sock").ConfigureAwait(false);
            (ChildProcess survivor, string survivorSocket) = await servers.StartAppAsync("b.sock").ConfigureAwait(false);
            int port = await servers.StartNginxUpstreamAsync([doomedSocket, survivorSocket]).ConfigureAwait(false);
            string doomedAddress = "unix:" + doomedSocket;
            string survivorAddress = "unix:" + survivorSocket;

            var served = new ConcurrentQueue<(long Start, string Upstream)>();
            var failures = new ConcurrentQueue<string>();
            var clients = Enumerable.Range(0, Clients).Select(_ => ServerSet.HttpClient(port)).ToArray();
            using var stop = new CancellationTokenSource();
            Task[] loops = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    try
                    {
                        // A lost request would hang: give each one a deadline.
                        string upstream = await HelloAsync(clients[client]).WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
                        served.Enqueue((start, upstream));
                    }
                    catch (Exception exception)
                    {
                        failures.Enqueue($"client {client} request {i}: {exception.GetType().Name}: {exception.Message}");
                    }
                }
            })).ToArray();

            try
            {
                await ServerSet.WaitForAsync(
                    () => (served.Count >= RequestsPerPhase && served.Any(r => r.Upstream == doomedAddress) && served.Any(r => r.Upstream == survivorAddress)) || !failures.IsEmpty,
                    $"{RequestsPerPhase} requests served by both instances").ConfigureAwait(false);
                Assert.False(doomed.HasExited, "the first instance exited on its own");
                long signalled = Stopwatch.GetTimestamp();
                doomed.Signal(signal);
                Assert.True(doomed.WaitForExit(TimeSpan.FromSeconds(15)), $"the first instance did not exit within 15 s of signal {signal}");
                if (signal == Native.SIGTERM)
                {
                    Assert.Equal(0, doomed.ExitCode);
                }

                long exited = Stopwatch.GetTimestamp();
                await ServerSet.WaitForAsync(() => served.Count(r => r.Start > exited) >= RequestsPerPhase || !failures.IsEmpty || survivor.HasExited, $"{RequestsPerPhase} requests after the first instance exited").ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(loops).ConfigureAwait(false);

                var before = served.Where(r => r.Start < signalled).ToArray();
                var after = served.Where(r => r.Start > exited).ToArray();
                var retried = served.Where(r => r.Upstream.Contains(',', StringComparison.Ordinal)).ToArray();
                output.WriteLine(
                    $"{served.Count + failures.Count} GET requests sent, {failures.Count} failed; before signal {signal}: {before.Count(r => Final(r.Upstream) == doomedAddress)} answered by the first instance, " +
                    $"{before.Count(r => Final(r.Upstream) == survivorAddress)} by the second; after it exited: {after.Count(r => Final(r.Upstream) == survivorAddress)} answered by the second, " +
                    $"{after.Count(r => Final(r.Upstream) != survivorAddress)} by another; {retried.Length} retried by nginx on the second after the first failed");
                Assert.True(failures.IsEmpty, $"{failures.Count} of {failures.Count + served.Count} requests failed:\n{string.Join('\n', failures.Take(20))}");
                Assert.Contains(before, r => Final(r.Upstream) == doomedAddress);
                Assert.Contains(before, r => Final(r.Upstream) == survivorAddress);
                Assert.All(after, r => Assert.Equal(survivorAddress, Final(r.Upstream)));
                Assert.True(after.Length >= RequestsPerPhase, "the survivor served too little after the first instance exited");

                // nginx did move requests: the first one it sent to the dead instance (a refused
                // connect, or a connection closed before the response) went on to the survivor.
                Assert.NotEmpty(retried);
                Assert.All(retried, r => Assert.Equal($"{doomedAddress}, {survivorAddress}", r.Upstream));
                Assert.False(survivor.HasExited, "the surviving instance stopped");
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(loops).ConfigureAwait(false);
                Array.ForEach(clients, c => c.Dispose());
            }
        }).ConfigureAwait(false);
    }

    /// <summary>GET /hello, checked; returns the servers nginx tried for it (<c>$upstream_addr</c>).</summary>
    private static async Task<string> HelloAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("/hello").ConfigureAwait(false);
        await SampleContract.AssertResponseAsync(response, "GET /hello", HttpStatusCode.OK, SampleContract.PlainText, "Hello, World!"u8.ToArray()).ConfigureAwait(false);
        return response.Headers.TryGetValues(NginxUpstream.UpstreamHeader, out var values) ? string.Join(", ", values) : "(no " + NginxUpstream.UpstreamHeader + " header)";
    }

    /// <summary>The server that answered: the last one nginx tried.</summary>
    private static string Final(string upstream) => upstream[(upstream.LastIndexOf(", ", StringComparison.Ordinal) + 1)..].Trim();
}
