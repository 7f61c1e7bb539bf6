using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Generates, compiles and loads resources/FormsApp.cs once for the form, file and cookie tests.</summary>
public sealed class FormsAppFixture
{
    private readonly Lazy<InMemoryServer> _server = new(static () =>
        new InMemoryServer(GeneratorRunner.Run(GeneratorRunner.Resource("FormsApp.cs")).AssertCleanBuild().Load()));

    internal InMemoryServer Server => _server.Value;
}

/// <summary>
/// Form fields, repeated keys, uploaded files and cookies, through the generated binders: the types,
/// defaults, nullability and 400 answers of query values, from urlencoded and multipart bodies.
/// </summary>
public sealed class FormBindingTests(FormsAppFixture fixture) : IClassFixture<FormsAppFixture>
{
    private const string Boundary = "----b0undary";
    private const string UrlEncoded = "application/x-www-form-urlencoded";
    private const string Multipart = "multipart/form-data; boundary=" + Boundary;

    private InMemoryServer Server => fixture.Server;

    [Fact]
    public async Task UrlEncodedFieldsBindWithTheirTypesAndDefaults()
    {
        CgiResponse response = await PostAsync("/signup", UrlEncoded, "name=Ada+L%C3%B6velace&age=36");
        Assert.Equal(200, response.Status);
        Assert.Equal("Ada L\u00f6velace|36|none|Small|unsaid", response.Body);

        response = await PostAsync("/signup", UrlEncoded, "age=7&e-mail=a%40b.c&name=x&size=LARGE&newsletter=true");
        Assert.Equal("x|7|a@b.c|Large|True", response.Body);
    }

    [Fact]
    public async Task MultipartFieldsBindAsSentWithoutPercentDecoding()
    {
        string body = Parts(("name", null, null, "100% A+B"), ("age", null, null, "36"), ("e-mail", null, null, "a%40b"), ("newsletter", null, null, "FALSE"));
        CgiResponse response = await PostAsync("/signup", Multipart, body);
        Assert.Equal(200, response.Status);
        Assert.Equal("100% A+B|36|a%40b|Small|False", response.Body);
    }

    [Theory]
    [InlineData(UrlEncoded, "age=36", "Required parameter 'name' is missing.\n")]
    [InlineData(UrlEncoded, "name=x&age=", "Required parameter 'age' is missing.\n")]
    [InlineData(UrlEncoded, "name=x&age=old", "Parameter 'age' has an invalid value.\n")]
    [InlineData(UrlEncoded, "name=x&age=1&size=huge", "Parameter 'size' has an invalid value.\n")]
    [InlineData(UrlEncoded, "name=x&age=1&newsletter=maybe", "Parameter 'newsletter' has an invalid value.\n")]
    [InlineData("text/plain", "name=x&age=1", "Required parameter 'name' is missing.\n")]
    public async Task AMissingOrInvalidFieldIsA400NamingIt(string contentType, string body, string message)
    {
        CgiResponse response = await PostAsync("/signup", contentType, body);
        Assert.Equal(400, response.Status);
        Assert.Equal(message, response.Body);
    }

    [Fact]
    public async Task AFieldOfAMultipartBodyThatDoesNotParseIsA400()
    {
        CgiResponse response = await PostAsync("/signup", Multipart, Parts(("name", null, null, "x"), ("age", null, null, "3 6")));
        Assert.Equal(400, response.Status);
        Assert.Equal("Parameter 'age' has an invalid value.\n", response.Body);
    }

    [Fact]
    public async Task RepeatedFormFieldsBindArraysAndListsInOrder()
    {
        CgiResponse response = await PostAsync("/tags?q=a&q=b+c", UrlEncoded, "tag=x&n=3&tag=&n=&tag=y%21&n=1&maybe=1&maybe=&maybe=2");
        Assert.Equal(200, response.Status);

        // Strings keep empty values; numbers skip them, nullable numbers bind them as null.
        Assert.Equal("x,,y!|3,1|1,null,2|a,b c", response.Body);

        string body = Parts(("tag", null, null, "a%20"), ("n", null, null, "5"), ("tag", null, null, "b"), ("maybe", null, null, ""));
        Assert.Equal("a%20,b|5|null|null", (await PostAsync("/tags", Multipart, body)).Body);
    }

    [Fact]
    public async Task AbsentRepeatedValuesBindAnEmptyCollectionOrNullWhenNullable()
    {
        Assert.Equal("|||null", (await PostAsync("/tags", UrlEncoded, "other=1")).Body);
        Assert.Equal("|0|null|null", (await Server.SendAsync("GET", "/search")).Body);

        // Present but empty: an empty collection, not null.
        Assert.Equal("|0|[]|", (await Server.SendAsync("GET", "/search?word&size=")).Body);
    }

    [Fact]
    public async Task RepeatedQueryKeysBindArraysAndLists()
    {
        CgiResponse response = await Server.SendAsync("GET", "/search?id=1&g=6f9619ff-8b86-d011-b42d-00cf4fc964ff&id=2&%69d=3&word=a&size=large&word=b%26c&size=0");
        Assert.Equal(200, response.Status);
        Assert.Equal("1,2,3|1|[a,b&c]|Large,Small", response.Body);
    }

    [Theory]
    [InlineData("/search?id=1&id=x", "id")]
    [InlineData("/search?g=nope", "g")]
    [InlineData("/search?size=medium", "size")]
    public async Task ARepeatedValueThatDoesNotParseIsA400NamingTheParameter(string uri, string name)
    {
        CgiResponse response = await Server.SendAsync("GET", uri);
        Assert.Equal(400, response.Status);
        Assert.Equal($"Parameter '{name}' has an invalid value.\n", response.Body);
    }

    [Fact]
    public async Task AFileBindsThePartNamedAfterTheParameter()
    {
        string body = Parts(("title", null, null, "Notes"), ("file", "C:\\Users\\me\\notes.txt", "text/plain", "hello, file"));
        CgiResponse response = await PostAsync("/upload", Multipart, body);
        Assert.Equal(200, response.Status);
        Assert.Equal("Notes|file|notes.txt|text/plain|11|hello, file|no thumbnail", response.Body);

        body = Parts(("title", null, null, "T"), ("thumbnail", "t.png", null, "png"), ("file", "a.bin", "application/x-a", "a"));
        Assert.Equal("T|file|a.bin|application/x-a|1|a|t.png", (await PostAsync("/upload", Multipart, body)).Body);
    }

    [Theory]
    [InlineData("title=T")]
    [InlineData("title=T&file=not-a-file")]
    public async Task ARequiredFileThatIsMissingIsA400(string urlEncoded)
    {
        // A field of the name is not a file: only a part with a file name is.
        CgiResponse response = await PostAsync("/upload", UrlEncoded, urlEncoded);
        Assert.Equal(400, response.Status);
        Assert.Equal("Required file 'file' is missing.\n", response.Body);

        response = await PostAsync("/upload", Multipart, Parts(("title", null, null, "T"), ("file", null, null, "a field, not a file")));
        Assert.Equal("Required file 'file' is missing.\n", response.Body);
    }

    [Fact]
    public async Task SeveralFilesBindArraysAndLists()
    {
        string body = Parts(("files", "1.txt", null, "1"), ("more", "m.txt", null, "m"), ("files", "2.txt", null, "2"));
        Assert.Equal("1.txt,2.txt|m.txt|null", (await PostAsync("/uploads", Multipart, body)).Body);
        Assert.Equal("||null", (await PostAsync("/uploads", Multipart, Parts(("other", null, null, "x")))).Body);
        Assert.Equal("||1", (await PostAsync("/uploads", Multipart, Parts(("extras", "e.txt", null, "e")))).Body);
    }

    [Fact]
    public async Task AMalformedMultipartBodyIsAnsweredByTheServerNotBound()
    {
        // The form throws FcgiHttpException (400), which the server, not the binder, turns into the answer.
        FcgiHttpException exception = await Assert.ThrowsAsync<FcgiHttpException>(() => PostAsync("/upload", Multipart, "--" + Boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end"));
        Assert.Equal(400, exception.StatusCode);
    }

    [Fact]
    public async Task AFormReadAsItArrivesBindsTheSameAndSpoolsLargeFiles()
    {
        // What the server does for an endpoint with readsForm: the multipart body goes into the form
        // as it arrives, in pieces, and a file past the threshold into a temporary file.
        string content = new('z', 5000);
        string body = Parts(("title", null, null, "Big"), ("file", "big.txt", "text/plain", content));
        FcgiInMemoryExchange exchange = InMemoryServer.CreateExchange("POST", "/upload", parameters: [new("CONTENT_TYPE", Multipart)]);
        exchange.Request.Endpoint = Server.Match(exchange.Request);
        Assert.True(exchange.Request.Endpoint.ReadsForm);
        var budget = new SpoolBudget(1 << 20);
        Assert.True(exchange.Request.BeginBody(new SpoolSettings(Path.GetTempPath(), 1024, budget), 1024, exchange.Request.Endpoint.FormReader));
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        for (int offset = 0; offset < bytes.Length; offset += 700)
        {
            exchange.AppendBody(bytes.AsSpan(offset, Math.Min(700, bytes.Length - offset)));
        }

        exchange.CompleteBody();
        CgiResponse response = await Server.SendAsync(exchange);
        Assert.Equal(200, response.Status);
        Assert.Equal("Big|file|big.txt|text/plain|5000|" + content + "|no thumbnail", response.Body);
        Assert.True(exchange.Request.Form.Files[0].IsSpooled);

        // The temporary file goes with the request, as the server releases it.
        exchange.Request.Clear();
        Assert.Equal(0, budget.SpooledBytes);
    }

    [Theory]
    [InlineData("/signup", true)]
    [InlineData("/tags", true)]
    [InlineData("/upload", true)]
    [InlineData("/uploads", true)]
    [InlineData("/guarded/post", true)]
    [InlineData("/search", false)]
    public void EndpointsThatBindAFormReadIt(string path, bool readsForm)
    {
        // A before hook's form fields count: the route it guards reads the form too.
        FcgiEndpoint endpoint = Server.Match(path == "/search" ? "GET" : "POST", path);
        Assert.True(endpoint.IsHandler);
        Assert.Equal(readsForm, endpoint.ReadsForm);
    }

    [Fact]
    public async Task ABeforeHookBindsAFormFieldToo()
    {
        Assert.Equal("posted", (await PostAsync("/guarded/post", UrlEncoded, "token=t0ken")).Body);
        CgiResponse refused = await PostAsync("/guarded/post", Multipart, Parts(("token", null, null, "wrong")));
        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public async Task CookiesBindAsSentWithTheirTypesAndDefaults()
    {
        CgiResponse response = await Server.SendAsync("GET", "/me", parameters: [new("HTTP_COOKIE", "theme=\"dark%20blue\"; sid=a+b%3D; sid=second; visits=3")]);
        Assert.Equal(200, response.Status);

        // Quotes removed, nothing decoded, the first of a repeated name.
        Assert.Equal("a+b%3D|dark%20blue|3", response.Body);
        Assert.Equal("s|default|0", (await Server.SendAsync("GET", "/me", parameters: [new("HTTP_COOKIE", "sid=s")])).Body);
    }

    [Theory]
    [InlineData(null, "Required parameter 'sid' is missing.\n")]
    [InlineData("SID=x", "Required parameter 'sid' is missing.\n")]
    [InlineData("sid=x; visits=many", "Parameter 'visits' has an invalid value.\n")]
    public async Task AMissingOrInvalidCookieIsA400(string? cookies, string message)
    {
        CgiResponse response = await Server.SendAsync("GET", "/me", parameters: cookies is null ? null : [new("HTTP_COOKIE", cookies)]);
        Assert.Equal(400, response.Status);
        Assert.Equal(message, response.Body);
    }

    [Fact]
    public async Task ANullDefaultOfANonNullableParameterIsPassedOnWithoutAWarning()
    {
        // `= null!` asks for null when absent in a non-nullable parameter; the generated code must
        // not add a nullability warning of its own to what the handler wrote.
        var server = new InMemoryServer(GeneratorRunner.Run("""
            using System.Collections.Generic;
            using FastCgi.Aot;
            public static class Api
            {
                [FcgiRoute("/x", Method = "POST")]
                public static string X(string s = null!, int[] ids = null!, [FcgiForm] List<string> tags = null!, FcgiFile file = null!, FcgiFile[] files = null!, [FcgiCookie("c")] string c = null!) =>
                    $"{s is null}|{ids is null}|{tags is null}|{file is null}|{files is null}|{c is null}";
            }
            """).AssertCleanBuild().Load());
        Assert.Equal("True|True|True|True|True|True", (await server.SendAsync("POST", "/x")).Body);
        Assert.Equal("False|False|True|True|True|True", (await server.SendAsync("POST", "/x?s=a&ids=1")).Body);
    }

    private Task<CgiResponse> PostAsync(string uri, string contentType, string body) =>
        Server.SendAsync("POST", uri, body, parameters: [new KeyValuePair<string, string>("CONTENT_TYPE", contentType)]);

    /// <summary>A multipart/form-data body of fields (no file name) and files.</summary>
    private static string Parts(params (string Name, string? FileName, string? ContentType, string Content)[] parts)
    {
        var body = new StringBuilder();
        foreach ((string name, string? fileName, string? contentType, string content) in parts)
        {
            body.Append("--").Append(Boundary).Append("\r\n");
            body.Append("Content-Disposition: form-data; name=\"").Append(name).Append('"');
            if (fileName is not null)
            {
                body.Append("; filename=\"").Append(fileName).Append('"');
            }

            body.Append("\r\n");
            if (contentType is not null)
            {
                body.Append("Content-Type: ").Append(contentType).Append("\r\n");
            }

            body.Append("\r\n").Append(content).Append("\r\n");
        }

        return body.Append("--").Append(Boundary).Append("--\r\n").ToString();
    }
}
