using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>samples/HelloFcgi's routes, a stable contract, checked through an HTTP front end.</summary>
internal static class SampleContract
{
    public const string PlainText = "text/plain; charset=utf-8";
    public const string Json = "application/json; charset=utf-8";

    /// <summary>Every GET route of the sample, success and failure answers.</summary>
    public static async Task AssertEveryGetRouteAsync(HttpClient client)
    {
        await AssertAnswerAsync(client, "/hello", HttpStatusCode.OK, PlainText, "Hello, World!").ConfigureAwait(false);
        await AssertAnswerAsync(client, "/add?a=1&b=2", HttpStatusCode.OK, PlainText, "3").ConfigureAwait(false);
        await AssertAnswerAsync(client, "/add?a=-40&b=2", HttpStatusCode.OK, PlainText, "-38").ConfigureAwait(false);
        await AssertBadRequestNamingAsync(client, "/add?a=1", "b").ConfigureAwait(false);
        await AssertBadRequestNamingAsync(client, "/add?a=x&b=2", "a").ConfigureAwait(false);
        await AssertBadRequestNamingAsync(client, "/add?b=2", "a").ConfigureAwait(false);
        await AssertAnswerAsync(client, "/users/7", HttpStatusCode.OK, Json, """{"id":7,"name":"user7"}""").ConfigureAwait(false);
        await AssertAnswerAsync(client, "/slow?ms=30", HttpStatusCode.OK, PlainText, "slept 30").ConfigureAwait(false);
        await AssertParamsAsync(client).ConfigureAwait(false);
    }

    public static async Task AssertAnswerAsync(HttpClient client, string uri, HttpStatusCode status, string contentType, string body)
    {
        using HttpResponseMessage response = await client.GetAsync(uri).ConfigureAwait(false);
        await AssertResponseAsync(response, $"GET {uri}", status, contentType, Encoding.UTF8.GetBytes(body)).ConfigureAwait(false);
    }

    /// <summary>POST /echo answers the body byte for byte with the request's Content-Type.</summary>
    public static async Task AssertEchoAsync(HttpClient client, int size, int seed)
    {
        byte[] body = new byte[size];
        new Random(seed).NextBytes(body);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-e2e-test; seed=" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using HttpResponseMessage response = await client.PostAsync("/echo", content).ConfigureAwait(false);
        await AssertResponseAsync(response, $"POST /echo ({size} bytes)", HttpStatusCode.OK, content.Headers.ContentType.ToString(), body).ConfigureAwait(false);
    }

    /// <summary>/params lists every CGI parameter as a NAME=value line, including the ones this request implies.</summary>
    public static async Task AssertParamsAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/params?x=1&y=two");
        request.Headers.Add("X-E2E-Marker", "marker-value");
        using HttpResponseMessage response = await client.SendAsync(request).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /params answered {(int)response.StatusCode}: {body}");
        Assert.Equal(PlainText, ContentType(response));
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        string[] lines = body.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.Matches("^[A-Za-z0-9_]+=", line));
        Assert.Contains("REQUEST_METHOD=GET", lines);
        Assert.Contains("REQUEST_URI=/params?x=1&y=two", lines);
        Assert.Contains("QUERY_STRING=x=1&y=two", lines);
        Assert.Contains("HTTP_X_E2E_MARKER=marker-value", lines);
        Assert.Contains("GATEWAY_INTERFACE=CGI/1.1", lines);
    }

    public static async Task AssertResponseAsync(HttpResponseMessage response, string what, HttpStatusCode status, string contentType, byte[] expectedBody)
    {
        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        Assert.True(response.StatusCode == status, $"{what} answered {(int)response.StatusCode}, not {(int)status}: {Preview(body)}");
        Assert.Equal(contentType, ContentType(response));
        if (response.Content.Headers.ContentLength is long length)
        {
            Assert.Equal(expectedBody.Length, length);
        }

        if (!body.AsSpan().SequenceEqual(expectedBody))
        {
            int first = Enumerable.Range(0, Math.Min(body.Length, expectedBody.Length)).FirstOrDefault(i => body[i] != expectedBody[i], Math.Min(body.Length, expectedBody.Length));
            Assert.Fail($"{what}: body of {body.Length} bytes differs from the expected {expectedBody.Length} bytes at offset {first}: {Preview(body)}");
        }
    }

    private static async Task AssertBadRequestNamingAsync(HttpClient client, string uri, string parameter)
    {
        using HttpResponseMessage response = await client.GetAsync(uri).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {uri} answered {(int)response.StatusCode}, not 400: {body}");
        Assert.Equal(PlainText, ContentType(response));
        Assert.Contains($"'{parameter}'", body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Through Apache mod_authnz_fcgi calling the sample as its Authorizer (docs/deployment.md):
    /// /protected/secret.txt is served with the bearer token <paramref name="token"/>, and without it
    /// or with a wrong one the client gets the authorizer's 401, header and body.
    /// </summary>
    public static async Task AssertApacheAuthorizerAsync(HttpClient client, string token)
    {
        // Authorized: the sample answered 200 with Variable-HELLO_USER: hello, which Apache
        // took as the user, so "Require user hello" holds and the static file is served.
        using (var allowed = new HttpRequestMessage(HttpMethod.Get, "/protected/secret.txt"))
        {
            allowed.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            using HttpResponseMessage response = await client.SendAsync(allowed).ConfigureAwait(false);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("secret page\n", await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }

        // Denied, with and without a token: the authorizer's 401, its header and body reach the client.
        foreach (string? authorization in new[] { null, "Bearer wrong" })
        {
            using var denied = new HttpRequestMessage(HttpMethod.Get, "/protected/secret.txt");
            if (authorization is not null)
            {
                denied.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using HttpResponseMessage response = await client.SendAsync(denied).ConfigureAwait(false);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("A valid bearer token is required.\n", await response.Content.ReadAsStringAsync().ConfigureAwait(false));
        }
    }

    public static string? ContentType(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Content-Type", out var values) ? string.Join(", ", values) : null;

    private static string Preview(byte[] body) => body.Length <= 300 ? Encoding.UTF8.GetString(body) : Encoding.UTF8.GetString(body, 0, 300) + "…";
}
