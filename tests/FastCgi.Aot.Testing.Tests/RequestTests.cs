using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Testing.TestApp;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>Every kind of request, through the test application's generated dispatcher, in memory and over a socket.</summary>
public sealed class RequestTests
{
    public static TheoryData<Mode> Modes => TestClients.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AGetWithAQueryStringBindsTheHandlersParameters(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.GetAsync("/add?a=1&b=2");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("3", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WithQueryEncodesNamesAndValuesAsABrowserDoes(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        FcgiTestRequest request = FcgiTestRequest.Get("/search").WithQuery("q", "fish & chips = 5€ +tax").WithQuery("page", "3");

        FcgiTestResponse response = await client.SendAsync(request);

        Assert.Equal("/search?q=fish+%26+chips+%3D+5%E2%82%AC+%2Btax&page=3", request.Target);
        Assert.Equal("fish & chips = 5€ +tax|3", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WithQueryAppendsToAQueryInTheTarget(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/add?a=40").WithQuery("b", "2"));

        Assert.Equal("42", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ATargetIsSentAsABrowserSendsIt(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        var request = FcgiTestRequest.Get("/files/my report é.txt#page=2");

        FcgiTestResponse response = await client.SendAsync(request);

        Assert.Equal("/files/my%20report%20%C3%A9.txt", request.Target);
        Assert.Equal("my report é.txt", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task HeadersReachTheHandlerUnderTheirCgiNames(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/headers")
            .WithHeader("X-Trace", "abc-123")
            .WithHeader("accept-language", "fr")
            .WithHeader("Accept-Language", "en;q=0.5"));

        Assert.Equal("abc-123|fr, en;q=0.5", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CookiesGoInOneCookieHeader(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/cookies")
            .WithCookie("a", "1")
            .WithCookie("b", "\"two\"")
            .WithHeader("Cookie", "raw=3"));

        Assert.Equal("a=1; b=\"two\"; raw=3", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ACookieReachesTheHandlerThatReadsIt(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/me").WithCookie("theme", "dark").WithCookie("sid", "session-bob"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("session-bob", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AnUrlencodedFormArrivesAsTheBrowserWouldSendIt(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/form")
            .WithForm(("title", "Fish & chips"), ("tag", "a+b"), ("tag", "ünï"), ("empty", "")));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("title=Fish & chips\ntag=a+b\ntag=ünï\nempty=\n", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AMultipartBodyCarriesFieldsAndFiles(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        byte[] firmware = new byte[70_000];
        new Random(7).NextBytes(firmware);
        var multipart = new FcgiTestMultipart()
            .AddField("title", "Firmware 2.1")
            .AddField("notes", "line one\r\nline \"two\"")
            .AddFile("readme", "read me.txt", "hello\n")
            .AddFile("image", "fw.bin", firmware, "application/octet-stream");

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/upload").WithMultipart(multipart));

        Assert.True(response.StatusCode == 200, response.ToString());
        string[] lines = response.Text.Split('\n');
        Assert.Equal("title|(field)|(none)|12|Firmware 2.1", lines[0]);
        Assert.Equal("notes|(field)|(none)|20|line one\r", lines[1]);
        Assert.Equal("line \"two\"", lines[2]);
        Assert.Equal("readme|read me.txt|text/plain|6|hello", lines[3]);
        Assert.StartsWith("image|fw.bin|application/octet-stream|70000|", lines[5], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AJsonBodyBindsAndAJsonAnswerReadsBack(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse created = await client.SendAsync(FcgiTestRequest.Post("/notes")
            .WithJson(new Note(0, "Groceries", ["home", "weekly"]), TestAppJsonContext.Default.Note));
        Note? note = created.ReadJson(TestAppJsonContext.Default.Note);
        FcgiTestResponse fetched = await client.GetAsync(created.Location!);

        Assert.Equal(201, created.StatusCode);
        Assert.NotNull(note);
        Assert.Equal("/notes/" + note.Id, created.Location);
        Assert.Equal("application/json; charset=utf-8", created.ContentType);
        Assert.Equal(["home", "weekly"], fetched.ReadJson(TestAppJsonContext.Default.Note)!.Tags);
        Assert.Contains("\"title\":\"Groceries\"", fetched.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PutAndDeleteReachTheirRoutes(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse put = await client.PutAsync("/notes/7", FcgiTestContent.Json(new Note(0, "Seven", []), TestAppJsonContext.Default.Note));
        FcgiTestResponse got = await client.GetAsync("/notes/7");
        FcgiTestResponse deleted = await client.DeleteAsync("/notes/7");
        FcgiTestResponse gone = await client.GetAsync("/notes/7");

        Assert.Equal(204, put.StatusCode);
        Assert.Equal("Seven", got.ReadJson(TestAppJsonContext.Default.Note)!.Title);
        Assert.Equal(204, deleted.StatusCode);
        Assert.Equal(404, gone.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARawBodyArrivesByteForByteWithItsContentType(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        byte[] body = new byte[200_000];
        new Random(1).NextBytes(body);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/echo").WithBody(body, "application/x-firmware"));

        Assert.Equal("application/x-firmware", response.ContentType);
        Assert.Equal(body, response.Body.ToArray());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PostAsyncSendsTextContent(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.PostAsync("/echo", FcgiTestContent.Text("héllo", "text/x-greeting; charset=utf-8"));

        Assert.Equal("text/x-greeting; charset=utf-8", response.ContentType);
        Assert.Equal("héllo", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AHeadRequestRunsTheGetRouteAndHasNoBody(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Head("/hello"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("Hello, World!".Length, response.ContentLength);
        Assert.True(response.Body.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheParametersAreThoseNginxSends(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/params?x=%41").WithHeader("User-Agent", "tests/1.0"));
        Dictionary<string, string> parameters = ParseParams(response.Text);
        string[] order = response.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static line => line.Split('=')[0]).ToArray();

        Assert.Equal(
            [
                "QUERY_STRING", "REQUEST_METHOD", "CONTENT_TYPE", "CONTENT_LENGTH", "SCRIPT_NAME", "REQUEST_URI", "DOCUMENT_URI",
                "DOCUMENT_ROOT", "SERVER_PROTOCOL", "REQUEST_SCHEME", "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "REMOTE_ADDR",
                "REMOTE_PORT", "REMOTE_USER", "SERVER_ADDR", "SERVER_PORT", "SERVER_NAME", "REDIRECT_STATUS", "SCRIPT_FILENAME",
                "HTTP_HOST", "HTTP_USER_AGENT",
            ],
            order);
        Assert.Equal("x=%41", parameters["QUERY_STRING"]);
        Assert.Equal("GET", parameters["REQUEST_METHOD"]);
        Assert.Equal("", parameters["CONTENT_TYPE"]);
        Assert.Equal("", parameters["CONTENT_LENGTH"]);
        Assert.Equal("/params", parameters["SCRIPT_NAME"]);
        Assert.Equal("/params?x=%41", parameters["REQUEST_URI"]);
        Assert.Equal("/params", parameters["DOCUMENT_URI"]);
        Assert.Equal("/var/www/html", parameters["DOCUMENT_ROOT"]);
        Assert.Equal("HTTP/1.1", parameters["SERVER_PROTOCOL"]);
        Assert.Equal("http", parameters["REQUEST_SCHEME"]);
        Assert.Equal("CGI/1.1", parameters["GATEWAY_INTERFACE"]);
        Assert.Equal("127.0.0.1", parameters["REMOTE_ADDR"]);
        Assert.Equal("50000", parameters["REMOTE_PORT"]);
        Assert.Equal("80", parameters["SERVER_PORT"]);
        Assert.Equal("localhost", parameters["SERVER_NAME"]);
        Assert.Equal("/var/www/html/params", parameters["SCRIPT_FILENAME"]);
        Assert.Equal("localhost", parameters["HTTP_HOST"]);
        Assert.Equal("tests/1.0", parameters["HTTP_USER_AGENT"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheClientsOptionsShapeTheParameters(Mode mode)
    {
        var options = new FcgiTestClientOptions
        {
            Host = "example.org:8443",
            Https = true,
            RemoteAddress = "203.0.113.9",
            RemotePort = 61000,
            DocumentRoot = "/srv/app/",
        };
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, options);

        Dictionary<string, string> parameters = ParseParams((await client.GetAsync("/params")).Text);

        Assert.Equal("on", parameters["HTTPS"]);
        Assert.Equal("https", parameters["REQUEST_SCHEME"]);
        Assert.Equal("example.org", parameters["SERVER_NAME"]);
        Assert.Equal("8443", parameters["SERVER_PORT"]);
        Assert.Equal("example.org:8443", parameters["HTTP_HOST"]);
        Assert.Equal("203.0.113.9", parameters["REMOTE_ADDR"]);
        Assert.Equal("61000", parameters["REMOTE_PORT"]);
        Assert.Equal("/srv/app/params", parameters["SCRIPT_FILENAME"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARequestOverridesHttpsAndParameters(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { Https = true });

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/params")
            .WithHttps(false)
            .WithParam("REMOTE_USER", "alice")
            .WithParam("X_CUSTOM", "yes")
            .WithHeader("Content-Length", "0"));
        Dictionary<string, string> parameters = ParseParams(response.Text);

        Assert.False(parameters.ContainsKey("HTTPS"));
        Assert.Equal("80", parameters["SERVER_PORT"]);
        Assert.Equal("alice", parameters["REMOTE_USER"]);
        Assert.Equal("yes", parameters["X_CUSTOM"]);
        Assert.Equal("0", parameters["CONTENT_LENGTH"]);
        Assert.Equal("POST", parameters["REQUEST_METHOD"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task APostWithoutContentSaysContentLengthZero(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        Dictionary<string, string> parameters = ParseParams((await client.SendAsync(FcgiTestRequest.Post("/params"))).Text);

        Assert.Equal("0", parameters["CONTENT_LENGTH"]);
        Assert.Equal("", parameters["CONTENT_TYPE"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AnAuthorizerRequestIsAuthorizedWithVariables(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Authorizer("/private/report?y=2024").WithHeader("Authorization", Roles.Token));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("alice", response.Variables["AUTH_USER"]);
        Assert.Equal("/private/report", response.Variables["AUTH_PATH"]);
        Assert.Equal("no", response.Variables["HAS_CONTENT_LENGTH"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AnAuthorizerRequestIsDenied(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Authorizer("/private"));

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer", response.GetHeader("WWW-Authenticate"));
        Assert.Empty(response.Variables);
        Assert.Equal("A valid bearer token is required.", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AFilterRequestFiltersItsDataStream(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);
        var modified = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Filter("/page.html", Encoding.UTF8.GetBytes("<p>quiet</p>"), modified));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("<P>QUIET</P>|" + modified.ToUnixTimeSeconds() + "|", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AFilterRequestCanCarryABodyBesideItsData(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(new FcgiTestRequest("POST", "/page.html")
            .WithData(Encoding.UTF8.GetBytes("data"))
            .WithText("body"));

        Assert.Equal("DATA|0|body", response.Text);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WhatTheHandlerWritesToStderrIsReported(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.GetAsync("/log");

        Assert.Equal("logged", response.Text);
        Assert.Equal("a line for the web server's error log\n", response.Stderr);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ConcurrentRequestsGetTheirOwnAnswers(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse[] responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.GetAsync($"/add?a={i}&b=1000")));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (i + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)), responses.Select(r => r.Text));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task AnAnswerLargerThanARecordArrivesWhole(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.GetAsync("/bytes?bytes=300000");

        Assert.Equal(300_000, response.Body.Length);
        Assert.Equal((byte)'a' + (299_999 % 26), response.Body.Span[^1]);
    }

    [Fact]
    public async Task AnAuthorizerRequestWithABodyIsRefusedBeforeItIsSent()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<TestApplication>();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendAsync(FcgiTestRequest.Authorizer("/x").WithText("no")));

        Assert.Contains("§6.3", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRoleIsPartOfTheRequestsDescription()
    {
        Assert.Equal("GET /a?b=1", FcgiTestRequest.Get("/a?b=1").ToString());
        Assert.Equal("GET /a (Authorizer)", FcgiTestRequest.Authorizer("/a").ToString());
        Assert.Equal(FcgiRole.Filter, FcgiTestRequest.Filter("/a", default).Role);
    }

    internal static Dictionary<string, string> ParseParams(string text)
    {
        var parameters = new Dictionary<string, string>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            parameters.Add(line.Substring(0, equals), line.Substring(equals + 1));
        }

        return parameters;
    }
}
