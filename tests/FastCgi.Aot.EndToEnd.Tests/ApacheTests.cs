using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>Apache httpd's mod_proxy_fcgi with the ProxyPass line of docs/deployment.md.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApacheTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task Every_get_route_and_the_echo_answer_through_apache_mod_proxy_fcgi()
    {
        using var servers = new ServerSet(fixture, "apache");
        await servers.VerifyAsync(async () =>
        {
            // Apache's workers run as www-data when the test is root: let them connect.
            (_, string socket) = await servers.StartAppAsync("app.sock", "--socket-mode", "0666").ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartApacheAsync(socket).ConfigureAwait(false));
            await SampleContract.AssertEveryGetRouteAsync(client).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 5, 20).ConfigureAwait(false);
            await SampleContract.AssertEchoAsync(client, 1024 * 1024, 21).ConfigureAwait(false);
            // enablereuse=on: a pooled connection serves again.
            await SampleContract.AssertAnswerAsync(client, "/hello", HttpStatusCode.OK, SampleContract.PlainText, "Hello, World!").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task Apache_mod_authnz_fcgi_lets_through_only_requests_the_sample_authorizes()
    {
        using var servers = new ServerSet(fixture, "apache-authorizer");
        await servers.VerifyAsync(async () =>
        {
            int authorizer = await servers.StartAppOnTcpAsync(new Dictionary<string, string> { ["HELLO_TOKEN"] = "e2e-token" }).ConfigureAwait(false);
            using HttpClient client = ServerSet.HttpClient(await servers.StartApacheAuthorizerAsync(authorizer).ConfigureAwait(false));

            await SampleContract.AssertApacheAuthorizerAsync(client, "e2e-token").ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
