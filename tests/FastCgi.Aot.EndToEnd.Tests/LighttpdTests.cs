using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>lighttpd's mod_fastcgi spawning the executable (bin-path), as docs/deployment.md configures it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class LighttpdTests(SampleFixture fixture)
{
    [EndToEndFact]
    public async Task Lighttpd_spawns_the_executable_on_its_socket_and_hello_and_add_answer()
    {
        using var servers = new ServerSet(fixture, "lighttpd");
        await servers.VerifyAsync(async () =>
        {
            using HttpClient client = ServerSet.HttpClient(await servers.StartLighttpdAsync().ConfigureAwait(false));
            // lighttpd opens a new connection per request: ask several times.
            for (int i = 0; i < 5; i++)
            {
                await SampleContract.AssertAnswerAsync(client, "/hello", HttpStatusCode.OK, SampleContract.PlainText, "Hello, World!").ConfigureAwait(false);
                await SampleContract.AssertAnswerAsync(client, $"/add?a=1&b={i}", HttpStatusCode.OK, SampleContract.PlainText, (1 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }

            using HttpResponseMessage missing = await client.GetAsync("/add?a=1").ConfigureAwait(false);
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("'b'", await missing.Content.ReadAsStringAsync().ConfigureAwait(false), System.StringComparison.Ordinal);
        }).ConfigureAwait(false);
    }
}
