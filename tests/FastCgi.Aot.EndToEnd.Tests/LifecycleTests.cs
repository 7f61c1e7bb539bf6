using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// The request life cycle through real web servers: a handler that blocks past the timeout, handlers
/// marked Blocking beside ordinary requests, a failure mid-response, and HAProxy multiplexing on
/// what GET_VALUES announced.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LifecycleTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task After_a_handler_blocks_past_the_timeout_the_next_request_on_the_nginx_connection_is_answered_right()
    {
        using var servers = new ServerSet(fixture, "lifecycle-race");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync(WebApp.Command(fixture), "app.sock", "--request-timeout", "1", "--io-stall-warning", "0").ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));

            var clock = Stopwatch.StartNew();
            using (HttpResponseMessage timedOut = await client.GetAsync("/sleep?ms=2500").ConfigureAwait(false))
            {
                Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
                Assert.Equal("Gateway Timeout\n", await timedOut.Content.ReadAsStringAsync().ConfigureAwait(false));
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.4), $"the 504 came after {clock.Elapsed}, not at the timeout");

            // nginx reuses its kept connection; the handler that timed out returns meanwhile, and
            // nothing of it may reach the wire (an END_REQUEST for id 0 made nginx answer 502).
            for (int i = 0; i < 5; i++)
            {
                using HttpResponseMessage next = await client.GetAsync("/hello").ConfigureAwait(false);
                Assert.Equal(HttpStatusCode.OK, next.StatusCode);
                Assert.Equal("hello", await next.Content.ReadAsStringAsync().ConfigureAwait(false));
            }

            Assert.DoesNotContain("unexpected FastCGI", servers.Logs(), StringComparison.Ordinal);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Blocking_handlers_waiting_on_a_gate_do_not_hold_up_forty_other_requests_through_nginx()
    {
        using var servers = new ServerSet(fixture, "lifecycle-blocking");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync(WebApp.Command(fixture)).ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));

            // The gate opens only after forty other requests were answered: if the four blocked
            // their I/O threads (one per core), those forty could not be, and this would time out.
            Task<string>[] blocked = Enumerable.Range(0, 4).Select(_ => client.GetStringAsync("/blocking/wait?key=e2e")).ToArray();
            await Task.Delay(200).ConfigureAwait(false);
            for (int i = 0; i < 40; i++)
            {
                Assert.Equal("hello", await client.GetStringAsync("/hello").ConfigureAwait(false));
            }

            Assert.All(blocked, task => Assert.False(task.IsCompleted, "a blocked request finished before its gate opened"));
            Assert.Equal("open", await client.GetStringAsync("/gate/open?key=e2e").ConfigureAwait(false));
            foreach (string thread in await Task.WhenAll(blocked).ConfigureAwait(false))
            {
                Assert.StartsWith("fcgi-blocking-", thread, StringComparison.Ordinal);
            }
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task A_failure_mid_response_reaches_curl_as_an_error_not_as_a_complete_download()
    {
        using var servers = new ServerSet(fixture, "lifecycle-truncated");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync(WebApp.Command(fixture)).ConfigureAwait(false);
            int port = await servers.StartNginxAsync(socket).ConfigureAwait(false);

            (int exitCode, byte[] body, string error) = await ChildProcess.RunAsync(
                fixture.Program("curl"), ["-sS", "-o", "/dev/stdout", $"http://127.0.0.1:{port}/fail-mid"], null, false, default, TimeSpan.FromSeconds(30)).ConfigureAwait(false);

            // 18: "transfer closed with outstanding read data remaining" (or another transfer error).
            Assert.NotEqual(0, exitCode);
            Assert.True(body.Length < 512 * 1024 || error.Length > 0, $"curl exited {exitCode} with {body.Length} bytes: {error}");

            // The connection that failed was closed; the next request is served.
            using HttpClient client = ServerSet.HttpClient(port);
            Assert.Equal("hello", await client.GetStringAsync("/hello").ConfigureAwait(false));
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task HAProxy_multiplexing_on_what_get_values_announces_lets_fifty_requests_in_at_once()
    {
        using var servers = new ServerSet(fixture, "lifecycle-haproxy");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync(WebApp.Command(fixture), "app.sock", "--status-path", "/fcgi-status").ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await Haproxy.StartAsync(servers, socket).ConfigureAwait(false));

            // One request first, so that HAProxy holds a kept connection whose GET_VALUES it has
            // read: the fifty then go onto it as far as FCGI_MAX_REQS lets them, and onto new
            // connections past that. Had the app announced more than a connection takes, the rest
            // would be refused (FCGI_OVERLOADED) or left waiting.
            Assert.Equal("hello", await client.GetStringAsync("/hello").ConfigureAwait(false));

            // Every one answers only when all fifty are inside at once.
            Task<HttpResponseMessage>[] requests = Enumerable.Range(0, 50).Select(_ => client.GetAsync("/barrier?key=haproxy&n=50")).ToArray();
            HttpResponseMessage[] responses = await Task.WhenAll(requests).ConfigureAwait(false);
            var statuses = new List<HttpStatusCode>();
            foreach (HttpResponseMessage response in responses)
            {
                statuses.Add(response.StatusCode);
                Assert.Equal("through", await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                response.Dispose();
            }

            string status = await client.GetStringAsync("/fcgi-status?json").ConfigureAwait(false);
            Assert.Contains("\"refused_overloaded\":0,", status, StringComparison.Ordinal);
            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        }).ConfigureAwait(false);
    }
}
