using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>nginx with fastcgi_keep_conn and an upstream keepalive pool, one worker, as docs/deployment.md configures it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class NginxTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task Every_sample_route_answers_through_nginx()
    {
        using var servers = new ServerSet(fixture, "nginx-routes");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync().ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));
            await SampleContract.AssertEveryGetRouteAsync(client).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 0, 1).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 1, 2).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 70_000, 3).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task A_10_MiB_post_comes_back_through_nginx_byte_for_byte()
    {
        using var servers = new ServerSet(fixture, "nginx-large");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync().ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));
            await SampleContract.AssertEchoAsync(client, 10 * 1024 * 1024, 10).ConfigureAwait(false);
            // The connection that carried it still serves the next request.
            await SampleContract.AssertAnswerAsync(client, "/hello", HttpStatusCode.OK, SampleContract.PlainText, "Hello, World!").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task A_thousand_sequential_keep_alive_requests_through_nginx_all_answer_correctly()
    {
        using var servers = new ServerSet(fixture, "nginx-sequential");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync().ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartNginxAsync(socket).ConfigureAwait(false));
            for (int i = 0; i < 1000; i++)
            {
                await SampleContract.AssertAnswerAsync(client, $"/add?a={i}&b={i * 3}", HttpStatusCode.OK, SampleContract.PlainText, (i * 4).ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Fifty_concurrent_clients_through_nginx_each_get_their_own_answers()
    {
        using var servers = new ServerSet(fixture, "nginx-concurrent");
        await servers.VerifyAsync(async () =>
        {
            (_, string socket) = await servers.StartAppAsync().ConfigureAwait(false);
            int port = await servers.StartNginxAsync(socket).ConfigureAwait(false);
            await Task.WhenAll(Enumerable.Range(0, 50).Select(client => Task.Run(async () =>
            {
                // Each client its own connection, like 50 browsers.
                using HttpClient http = ServerSet.HttpClient(port);
                for (int i = 0; i < 20; i++)
                {
                    int id = (client * 100) + i;
                    string user = $$"""{"id":{{id}},"name":"user{{id}}"}""";
                    Task check = (i % 4) switch
                    {
                        0 => SampleContract.AssertAnswerAsync(http, $"/users/{id}", HttpStatusCode.OK, SampleContract.Json, user),
                        1 => SampleContract.AssertAnswerAsync(http, $"/add?a={client}&b={i}", HttpStatusCode.OK, SampleContract.PlainText, (client + i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        2 => SampleContract.AssertEchoAsync(http, 1000 + id, id),
                        _ => SampleContract.AssertAnswerAsync(http, "/slow?ms=5", HttpStatusCode.OK, SampleContract.PlainText, "slept 5"),
                    };
                    await check.ConfigureAwait(false);
                }
            }))).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
