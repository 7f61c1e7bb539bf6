using System;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Tests.Connections;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Bodies;

/// <summary>Urlencoded and multipart forms, read as they arrive (handlers with form parameters) or from the body on first use.</summary>
public sealed class FormTests
{
    private static TestServer Start() =>
        TestServer.Start<BodyApplication>(o =>
        {
            o.SpoolThresholdBytes = 64 * 1024;
            o.TempDirectory = TestServer.NewTempDirectory();
            o.MaxFormFields = 8;
        });

    private static CgiResponse Post(TestServer server, string path, byte[] body, string contentType)
    {
        using RawFcgiClient client = server.Connect();
        client.SendRequest(1, "POST", path, body, contentType);
        return client.ReadUntilEnd(1).Parse();
    }

    [Theory]
    [InlineData("/form")]
    [InlineData("/form/lazy")]
    public async Task AUrlEncodedFormGivesItsDecodedFieldsAndRepeatedValues(string path)
    {
        await using TestServer server = Start();

        CgiResponse response = Post(server, path, "a=1&b=x+y%21&tag=p&tag=q"u8.ToArray(), "application/x-www-form-urlencoded");

        Assert.Equal("fields=4\na=1\nb=x y!\ntag=p|q\n", response.BodyText);
    }

    [Theory]
    [InlineData("/form")]
    [InlineData("/form/lazy")]
    public async Task AMultipartFormGivesFieldsAndFilesSmallInMemoryLargeSpooled(string path)
    {
        await using TestServer server = Start();
        byte[] small = Encoding.UTF8.GetBytes("hello file");
        byte[] large = new byte[300 * 1024];
        new Random(7).NextBytes(large);
        var form = new MultipartBuilder()
            .Field("a", "1")
            .Field("note", "line one\r\nline two")
            .File("doc", "C:\\Users\\me\\small.txt", "text/plain", small)
            .File("firmware", "fw.bin", null, large)
            .Field("tag", "x").Field("tag", "y");

        CgiResponse response = Post(server, path, form.Build(), form.ContentType);

        Assert.Equal(
            "fields=4\na=1\ntag=x|y\nnote=line one\r\nline two\n" +
            $"file doc small.txt text/plain 10 memory {MultipartBuilder.Sum(small)}\n" +
            $"file firmware fw.bin application/octet-stream {large.Length} spooled {MultipartBuilder.Sum(large)}\n",
            response.BodyText);
        TimeoutRaceTests.AssertQuiet(server);
        Assert.Equal(0, server.Instance.Statistics.SpooledBytes);
    }

    [Fact]
    public async Task AMultipartBodyReadAsAFormHasNoBodyLeftAndSaysWhereToLook()
    {
        await using TestServer server = Start();
        var form = new MultipartBuilder().Field("a", "1");

        CgiResponse response = Post(server, "/form/body", form.Build(), form.ContentType);

        Assert.Equal(500, response.Status);
        Assert.Contains("use Form", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/form")]
    [InlineData("/form/lazy")]
    public async Task AFormWithMoreFieldsThanTheLimitIs413(string path)
    {
        await using TestServer server = Start();
        var form = new MultipartBuilder();
        for (int i = 0; i < 9; i++)
        {
            form.Field("f" + i, "v");
        }

        Assert.Equal(413, Post(server, path, form.Build(), form.ContentType).Status);
        Assert.Equal(413, Post(server, path, "a=1&a=2&a=3&a=4&a=5&a=6&a=7&a=8&a=9"u8.ToArray(), "application/x-www-form-urlencoded").Status);
    }

    [Theory]
    [InlineData("/form")]
    [InlineData("/form/lazy")]
    public async Task AMalformedMultipartBodyIs400(string path)
    {
        await using TestServer server = Start();
        var form = new MultipartBuilder().Field("a", "1");
        byte[] body = form.Build();

        // Cut before the close delimiter.
        CgiResponse truncated = Post(server, path, body.AsSpan(0, body.Length - 10).ToArray(), form.ContentType);
        CgiResponse noBoundary = Post(server, path, body, "multipart/form-data");

        Assert.Equal(400, truncated.Status);
        Assert.Equal(400, noBoundary.Status);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task FieldsLargerThanTheThresholdTogetherAre413()
    {
        await using TestServer server = Start();
        var form = new MultipartBuilder().Field("note", new string('x', 70 * 1024));

        Assert.Equal(413, Post(server, "/form", form.Build(), form.ContentType).Status);
    }

    [Fact]
    public async Task ACookieIsFoundByNameAsSent()
    {
        await using TestServer server = Start();
        using RawFcgiClient client = server.Connect();
        var parameters = RawFcgiClient.ParamsFor("GET", "/cookie");
        parameters.Add(new("HTTP_COOKIE", "theme=dark; session=\"abc%20def\"; x=1"));
        client.BeginRequest(1);
        client.Params(1, parameters);
        client.Stdin(1, default);

        Assert.Equal("abc%20def", client.ReadUntilEnd(1).Parse().BodyText);
    }
}
