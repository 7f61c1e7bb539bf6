using System;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

public class MediaTypeHeaderTests
{
    [Theory]
    [InlineData("multipart/form-data; boundary=AaB03x", "multipart/form-data")]
    [InlineData("Multipart/Form-Data; boundary=AaB03x", "multipart/form-data")]
    [InlineData("APPLICATION/X-WWW-FORM-URLENCODED", "application/x-www-form-urlencoded")]
    [InlineData("  text/plain  ", "text/plain")]
    [InlineData("text/plain;charset=utf-8", "text/plain")]
    [InlineData("text/plain ; charset=utf-8", "text/plain")]
    public void MediaTypeEqualsComparesTypeAndSubtypeIgnoringCaseAndParameters(string contentType, string mediaType) =>
        Assert.True(MediaTypeHeader.MediaTypeEquals(Bytes(contentType), Bytes(mediaType)));

    [Theory]
    [InlineData("multipart/form-data-x", "multipart/form-data")]
    [InlineData("multipart/mixed; boundary=x", "multipart/form-data")]
    [InlineData("text/plain x", "text/plain")]
    [InlineData("text/plain", "text/plain; charset=utf-8")]
    [InlineData("text", "text")]
    [InlineData("text/", "text/")]
    [InlineData("/plain", "/plain")]
    [InlineData("", "")]
    public void MediaTypeEqualsIsFalseForAnotherOrAMalformedMediaType(string contentType, string mediaType) =>
        Assert.False(MediaTypeHeader.MediaTypeEquals(Bytes(contentType), Bytes(mediaType)));

    [Theory]
    [InlineData("multipart/form-data; boundary=AaB03x", "AaB03x")]                                   // HTML 4.01 §17.13.4
    [InlineData("multipart/mixed; boundary=\"simple boundary\"", "simple boundary")]                 // RFC 2046 §5.1.1
    [InlineData("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW")]
    [InlineData("multipart/form-data; BOUNDARY=x", "x")]
    [InlineData("multipart/form-data ;  boundary=x ; charset=utf-8", "x")]
    [InlineData("multipart/form-data;;boundary=x;", "x")]
    [InlineData("multipart/form-data; charset=utf-8; boundary=\"'()+_,-./:=?\"", "'()+_,-./:=?")]
    public void TryGetBoundaryReadsATokenOrAQuotedString(string contentType, string boundary)
    {
        Span<byte> destination = stackalloc byte[MediaTypeHeader.MaxBoundaryLength];

        Assert.True(MediaTypeHeader.TryGetBoundary(Bytes(contentType), destination, out int length));

        Assert.Equal(boundary, Encoding.ASCII.GetString(destination.Slice(0, length)));
    }

    [Fact]
    public void TryGetBoundaryAcceptsSeventyCharacters()
    {
        Span<byte> destination = stackalloc byte[MediaTypeHeader.MaxBoundaryLength];

        Assert.True(MediaTypeHeader.TryGetBoundary(Bytes("multipart/form-data; boundary=" + new string('b', 70)), destination, out int length));

        Assert.Equal(70, length);
    }

    [Theory]
    [InlineData("multipart/form-data")]
    [InlineData("multipart/form-data; charset=utf-8")]
    [InlineData("multipart/form-data; boundary=\"\"")]
    [InlineData("multipart/form-data; boundary=")]
    [InlineData("multipart/form-data; boundary = x")]
    [InlineData("multipart/form-data; boundary=\"x")]
    [InlineData("multipart/form-data; boundary=\"ends in space \"")]
    [InlineData("multipart/form-data; boundary=\"a@b\"")]
    [InlineData("multipart/form-data; boundary=a; boundary=b")]
    [InlineData("multipart/form-data; boundary=x garbage")]
    [InlineData("multipart; boundary=x")]
    public void TryGetBoundaryIsFalseForAMissingOrInvalidBoundary(string contentType)
    {
        Span<byte> destination = stackalloc byte[MediaTypeHeader.MaxBoundaryLength];

        Assert.False(MediaTypeHeader.TryGetBoundary(Bytes(contentType), destination, out _));
    }

    [Fact]
    public void TryGetBoundaryRefusesSeventyOneCharacters()
    {
        Span<byte> destination = stackalloc byte[100];

        Assert.False(MediaTypeHeader.TryGetBoundary(Bytes("multipart/form-data; boundary=" + new string('b', 71)), destination, out _));
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "utf-8")]
    [InlineData("text/plain; charset=\"UTF-8\"", "UTF-8")]
    [InlineData("application/x-www-form-urlencoded;Charset=ISO-8859-1", "ISO-8859-1")]
    public void TryGetCharsetReadsTheCharsetAsSent(string contentType, string charset)
    {
        Span<byte> destination = stackalloc byte[40];

        Assert.True(MediaTypeHeader.TryGetCharset(Bytes(contentType), destination, out int length));

        Assert.Equal(charset, Encoding.ASCII.GetString(destination.Slice(0, length)));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=\"utf 8\"")]
    [InlineData("text/plain; charset=\"\"")]
    public void TryGetCharsetIsFalseWhenAbsentOrNotAToken(string contentType)
    {
        Span<byte> destination = stackalloc byte[40];

        Assert.False(MediaTypeHeader.TryGetCharset(Bytes(contentType), destination, out _));
    }

    [Theory]
    [InlineData("a/b; title=\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("a/b; title=\"back\\\\slash\"", "back\\slash")]
    [InlineData("a/b; title=\"C:\\new\\a.txt\"", "C:\\new\\a.txt")]
    [InlineData("a/b; title=\"semi;colon\"; x=y", "semi;colon")]
    [InlineData("a/b; x=\"y;title=no\"; title=yes", "yes")]
    public void TryGetParameterUnescapesOnlyQuotesAndBackslashes(string contentType, string value)
    {
        Span<byte> destination = stackalloc byte[64];

        Assert.True(MediaTypeHeader.TryGetParameter(Bytes(contentType), "title"u8, destination, out int length));

        Assert.Equal(value, Encoding.ASCII.GetString(destination.Slice(0, length)));
    }

    [Fact]
    public void TryGetParameterIsFalseWhenTheValueDoesNotFit()
    {
        Span<byte> destination = stackalloc byte[3];

        Assert.False(MediaTypeHeader.TryGetParameter("a/b; title=\"four\""u8, "title"u8, destination, out _));
    }

    [Fact]
    public void TryGetParameterIsFalseWhenAControlCharacterIsQuoted()
    {
        Span<byte> destination = stackalloc byte[16];

        Assert.False(MediaTypeHeader.TryGetParameter("a/b; title=\"x\u0001y\""u8, "title"u8, destination, out _));
    }

    private static byte[] Bytes(string value) => Encoding.UTF8.GetBytes(value);
}
