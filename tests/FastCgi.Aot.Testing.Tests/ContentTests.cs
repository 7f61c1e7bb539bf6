using System;
using System.Text;
using System.Text.RegularExpressions;
using FastCgi.Aot.Testing.TestApp;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>The bodies the client builds, byte for byte.</summary>
public sealed class ContentTests
{
    [Fact]
    public void AMultipartBodyIsWrittenAsRfc7578Says()
    {
        var multipart = new FcgiTestMultipart("XyZ")
            .AddField("title", "Hello")
            .AddFile("doc", "a.txt", "line\n", "text/plain");

        FcgiTestContent content = FcgiTestContent.Multipart(multipart);

        Assert.Equal("multipart/form-data; boundary=XyZ", content.ContentType);
        Assert.Equal(
            "--XyZ\r\n" +
            "Content-Disposition: form-data; name=\"title\"\r\n" +
            "\r\n" +
            "Hello\r\n" +
            "--XyZ\r\n" +
            "Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n" +
            "Content-Type: text/plain\r\n" +
            "\r\n" +
            "line\n\r\n" +
            "--XyZ--\r\n",
            Encoding.UTF8.GetString(content.Body.Span));
    }

    [Fact]
    public void AnEmptyMultipartBodyIsTheCloseDelimiter() =>
        Assert.Equal("--b--\r\n", Encoding.ASCII.GetString(new FcgiTestMultipart("b").ToBytes()));

    [Fact]
    public void NamesAndFileNamesAreEscapedAsBrowsersEscapeThem()
    {
        var multipart = new FcgiTestMultipart("b").AddFile("a\"b", "x\r\ny\".txt", ReadOnlyMemory<byte>.Empty).AddField("ünï", "");

        string body = Encoding.UTF8.GetString(multipart.ToBytes());

        Assert.Contains("name=\"a%22b\"; filename=\"x%0D%0Ay%22.txt\"", body, StringComparison.Ordinal);
        Assert.Contains("name=\"ünï\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void ARandomBoundaryIsFreshEachTimeAndAToken()
    {
        var first = new FcgiTestMultipart();
        var second = new FcgiTestMultipart();

        Assert.NotEqual(first.Boundary, second.Boundary);
        Assert.Matches(new Regex("^FcgiTestBoundary[A-Za-z0-9]{24}$"), first.Boundary);
        Assert.Equal("multipart/form-data; boundary=" + first.Boundary, first.ContentType);
    }

    [Fact]
    public void ARandomBoundaryThatOccursInAPartIsReplaced()
    {
        var multipart = new FcgiTestMultipart();
        string original = multipart.Boundary;
        multipart.AddField("trap", "before --" + original + " after");

        byte[] body = multipart.ToBytes();

        Assert.NotEqual(original, multipart.Boundary);
        Assert.StartsWith("--" + multipart.Boundary + "\r\n", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        MultipartPart part = Assert.Single(MultipartForm.Parse(body, multipart.ContentType));
        Assert.Equal("before --" + original + " after", Encoding.UTF8.GetString(part.Content));
    }

    [Fact]
    public void AGivenBoundaryThatOccursInAPartIsRefused()
    {
        var multipart = new FcgiTestMultipart("abc").AddFile("f", "f.bin", Encoding.ASCII.GetBytes("x--abcx"));

        Assert.Throws<InvalidOperationException>(() => multipart.ToBytes());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends with a space ")]
    [InlineData("has\"quote")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789x")]
    public void ABoundaryOutsideRfc2046IsRefused(string boundary) =>
        Assert.ThrowsAny<ArgumentException>(() => new FcgiTestMultipart(boundary));

    [Fact]
    public void ABoundaryWithSpacesIsQuotedInTheContentType() =>
        Assert.Equal("multipart/form-data; boundary=\"a b:c\"", new FcgiTestMultipart("a b:c").ContentType);

    [Fact]
    public void AFormIsEncodedAsTheUrlStandardSays()
    {
        FcgiTestContent form = FcgiTestContent.Form(("a b", "c&d=e"), ("é", "*-._~!'()"), ("empty", ""));

        Assert.Equal("application/x-www-form-urlencoded", form.ContentType);
        Assert.Equal("a+b=c%26d%3De&%C3%A9=*-._%7E%21%27%28%29&empty=", Encoding.ASCII.GetString(form.Body.Span));
    }

    [Fact]
    public void JsonUsesTheSourceGeneratedTypeInfo()
    {
        FcgiTestContent json = FcgiTestContent.Json(new Note(3, "T", ["x"]), TestAppJsonContext.Default.Note);

        Assert.Equal("application/json; charset=utf-8", json.ContentType);
        Assert.Equal("{\"id\":3,\"title\":\"T\",\"tags\":[\"x\"]}", Encoding.UTF8.GetString(json.Body.Span));
    }

    [Fact]
    public void TextAndBytesKeepTheirContentType()
    {
        Assert.Equal("text/plain; charset=utf-8", FcgiTestContent.Text("x").ContentType);
        Assert.Equal("application/octet-stream", FcgiTestContent.Bytes(new byte[] { 1 }).ContentType);
        Assert.Null(FcgiTestContent.Bytes(new byte[] { 1 }, contentType: null).ContentType);
        Assert.Equal("text/csv, 3 bytes", FcgiTestContent.Text("a,b", "text/csv").ToString());
    }

    [Fact]
    public void AContentTypeWithALineBreakIsRefused() =>
        Assert.Throws<ArgumentException>(() => FcgiTestContent.Text("x", "text/plain\r\nX-Evil: 1"));
}
