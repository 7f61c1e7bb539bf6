using System;
using System.Collections.Generic;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

public class MultipartReaderTests
{
    private const string ContentType = "multipart/form-data; boundary=AaB03x";

    [Fact]
    public void ReadsTheHtml4ExampleIntoItsTwoParts()
    {
        MultipartCollector result = MultipartCollector.Parse(MultipartVectors.Html4ContentType, MultipartVectors.Html4);

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(
            [
                new ReadPart("submit-name", null, string.Empty, "Larry"u8.ToArray()),
                new ReadPart("files", "file1.txt", "text/plain", "... contents of file1.txt ..."u8.ToArray()),
            ],
            result.Parts,
            ReadPartComparer.Instance);
    }

    [Fact]
    public void IgnoresThePreambleAndEpilogueOfTheRfc2046Example()
    {
        MultipartCollector result = MultipartCollector.Parse(MultipartVectors.Rfc2046ContentType, MultipartVectors.Rfc2046);

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(2, result.Parts.Count);
        Assert.Equal("This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.", result.Parts[0].Text);
        Assert.Equal("This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n", result.Parts[1].Text);
        Assert.Equal("text/plain; charset=us-ascii", result.Parts[1].ContentType);
    }

    [Fact]
    public void KeepsNearDelimitersInABrowsersFileAsContent()
    {
        MultipartCollector result = MultipartCollector.Parse(MultipartVectors.BrowserContentType, MultipartVectors.Browser);

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(3, result.Parts.Count);
        Assert.Equal("Grüße, \"world\"", result.Parts[0].Text);
        Assert.Equal(new ReadPart("empty", string.Empty, "application/octet-stream", []), result.Parts[1], ReadPartComparer.Instance);
        Assert.Equal("résumé %22v2%22.txt", result.Parts[2].FileName);
        Assert.Equal(MultipartVectors.BrowserFileContent, result.Parts[2].Text);
    }

    [Fact]
    public void ARealRfc2046BodyWithoutContentDispositionIsNotAForm()
    {
        byte[] body = Ascii("--simple boundary\r\n\r\nThis is implicitly typed plain US-ASCII text.\r\n--simple boundary--\r\n");

        Assert.Equal(MultipartError.InvalidContentDisposition, MultipartCollector.Parse(MultipartVectors.Rfc2046ContentType, body).Error);
    }

    [Fact]
    public void APartWithEmptyContentReportsNoData()
    {
        MultipartCollector result = Parse("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--AaB03x--");

        Assert.Equal(["start a  ", "data ", "end", "body end"], result.Log);
    }

    [Fact]
    public void ContentMayEndWithALineBreakOrACarriageReturn()
    {
        MultipartCollector result = Parse(
            "--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\nline\r\n\r\n" +
            "--AaB03x\r\nContent-Disposition: form-data; name=b\r\n\r\n\r\r\r\n\r\n" +
            "--AaB03x\r\nContent-Disposition: form-data; name=c\r\n\r\n\n\r\n--AaB03x--");

        Assert.Equal(["line\r\n", "\r\r\r\n", "\n"], result.Parts.ConvertAll(p => p.Text));
    }

    [Theory]
    [InlineData("x\r\n--AaB03xyz")]
    [InlineData("x\r\n--AaB03x-y")]
    [InlineData("x\r\n--AaB03x-")]
    [InlineData("x\r\n--AaB03x \ty")]
    [InlineData("x\r\n--AaB03x\ry")]
    [InlineData("x\r\n--AaB03")]
    [InlineData("x\r\n--AaB03\r\n--AaB03x0")]
    [InlineData("--AaB03x\r\n")]
    [InlineData("x\n--AaB03x\r\n")]
    [InlineData("x\r--AaB03x\r\n")]
    public void ABoundaryThatIsNotADelimiterLineIsContent(string content)
    {
        MultipartCollector result = Parse($"--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n{content}\r\n--AaB03x--\r\n");

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(content, Assert.Single(result.Parts).Text);
    }

    [Fact]
    public void TransportPaddingAfterABoundaryIsSkipped()
    {
        MultipartCollector result = Parse(
            "--AaB03x \t \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n" +
            "--AaB03x\t\r\nContent-Disposition: form-data; name=b\r\n\r\n2\r\n--AaB03x--  \r\n");

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(["1", "2"], result.Parts.ConvertAll(p => p.Text));
    }

    [Fact]
    public void PaddingLongerThanTheLimitMakesTheLineContent()
    {
        string content = "x\r\n--AaB03x" + new string(' ', MultipartReader.MaxTransportPadding + 1) + "\r\nmore";
        string atLimit = "--AaB03x" + new string(' ', MultipartReader.MaxTransportPadding) + "\r\n";

        MultipartCollector result = Parse($"{atLimit}Content-Disposition: form-data; name=a\r\n\r\n{content}\r\n--AaB03x--");

        Assert.Equal(content, Assert.Single(result.Parts).Text);
    }

    [Fact]
    public void APreambleThatHoldsNearDelimitersIsIgnored()
    {
        MultipartCollector result = Parse("--AaB03xyz\r\n--AaB03\r\n--AaB03x-\r\n--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x--");

        Assert.Equal(["1"], result.Parts.ConvertAll(p => p.Text));
    }

    [Fact]
    public void ABodyThatIsOnlyTheCloseDelimiterHasNoParts()
    {
        MultipartCollector result = Parse("--AaB03x--");

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(["body end"], result.Log);
    }

    [Fact]
    public void TheCloseDelimiterNeedNotEndWithALineBreak()
    {
        MultipartCollector result = Parse("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x--");

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Single(result.Parts);
    }

    [Fact]
    public void EverythingAfterTheCloseDelimiterIsIgnored()
    {
        MultipartCollector result = Parse("--AaB03x--garbage\r\n--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x--");

        Assert.Equal(["body end"], result.Log);
    }

    [Fact]
    public void HeaderNamesAndTheDispositionAreCaseInsensitive()
    {
        MultipartCollector result = Parse("--AaB03x\r\ncontent-DISPOSITION: Form-Data; NAME=a; FileName=\"f.txt\"\r\nCONTENT-TYPE:image/png \r\n\r\n1\r\n--AaB03x--");

        Assert.Equal(new ReadPart("a", "f.txt", "image/png", "1"u8.ToArray()), Assert.Single(result.Parts), ReadPartComparer.Instance);
    }

    [Theory]
    [InlineData("name=\"a \\\"quoted\\\" name\"", "a \"quoted\" name")]
    [InlineData("name=\"semi;colon\"", "semi;colon")]
    [InlineData("name=\"\"", "")]
    [InlineData("name=token-name", "token-name")]
    [InlineData("name=\"Grüße\"", "Grüße")]
    [InlineData("name=\"%22percent%22 not decoded\"", "%22percent%22 not decoded")]
    public void TheNameIsUnquotedButNotDecoded(string parameter, string name)
    {
        MultipartCollector result = Parse($"--AaB03x\r\nContent-Disposition: form-data; {parameter}\r\n\r\n1\r\n--AaB03x--");

        Assert.Equal(name, Assert.Single(result.Parts).Name);
    }

    [Theory]
    [InlineData("filename=\"C:\\Users\\a\\report.pdf\"", "C:\\Users\\a\\report.pdf")]
    [InlineData("filename=\"a\\\\b\"", "a\\b")]
    [InlineData("filename=\"\"", "")]
    [InlineData("filename*=UTF-8''%e2%82%ac.txt; filename=\"euro.txt\"", "euro.txt")]
    [InlineData("filename*=UTF-8''%e2%82%ac.txt", null)]
    public void TheFileNameKeepsBackslashesAndFileNameStarIsIgnored(string parameter, string? fileName)
    {
        MultipartCollector result = Parse($"--AaB03x\r\nContent-Disposition: form-data; name=f; {parameter}\r\n\r\n1\r\n--AaB03x--");

        Assert.Equal(fileName, Assert.Single(result.Parts).FileName);
    }

    [Fact]
    public void OtherHeadersAreIgnored()
    {
        MultipartCollector result = Parse("--AaB03x\r\nContent-Transfer-Encoding: binary\r\nX-Note: a: b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x--");

        Assert.Equal("a", Assert.Single(result.Parts).Name);
    }

    [Theory]
    [InlineData("Content-Disposition: form-data; name=a\nContent-Type: text/plain\r\n")]    // bare LF
    [InlineData("Content-Disposition: form-data; name=a\r\nNoColon\r\n")]
    [InlineData("Content-Disposition : form-data; name=a\r\n")]                            // space before the colon
    [InlineData("Content-Disposition: form-data; name=a\r\nX-Long: a\r\n b\r\n")]             // folded
    [InlineData("Content-Disposition: form-data; name=a\r\nX: a\rb\r\n")]                    // bare CR
    [InlineData("Content-Disposition: form-data; name=a\r\nX: a\0b\r\n")]                    // NUL
    [InlineData(": x\r\nContent-Disposition: form-data; name=a\r\n")]
    [InlineData("Content-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n")]
    public void AMalformedHeaderLineIsAnInvalidPartHeader(string headers) =>
        Assert.Equal(MultipartError.InvalidPartHeader, Parse($"--AaB03x\r\n{headers}\r\n1\r\n--AaB03x--").Error);

    [Theory]
    [InlineData("Content-Type: text/plain\r\n")]
    [InlineData("")]
    [InlineData("Content-Disposition: attachment; name=a\r\n")]
    [InlineData("Content-Disposition: form-data\r\n")]
    [InlineData("Content-Disposition: form-data; filename=a.txt\r\n")]
    [InlineData("Content-Disposition: form-data; name=a; name=b\r\n")]
    [InlineData("Content-Disposition: form-data; name=a; filename=x; filename=y\r\n")]
    [InlineData("Content-Disposition: form-data; name=\"a\r\n")]
    [InlineData("Content-Disposition: form-data; name=a b\r\n")]
    [InlineData("Content-Disposition: form-data; name = a\r\n")]
    [InlineData("Content-Disposition: form-data name=a\r\n")]
    [InlineData("Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n")]
    public void AMissingOrBadContentDispositionIsRefused(string headers) =>
        Assert.Equal(MultipartError.InvalidContentDisposition, Parse($"--AaB03x\r\n{headers}\r\n1\r\n--AaB03x--").Error);

    [Fact]
    public void AHeaderBlockOfExactlyTheLimitIsRead()
    {
        string headers = "Content-Disposition: form-data; name=a\r\n\r\n";

        MultipartCollector result = Parse($"--AaB03x\r\n{headers}1\r\n--AaB03x--", maxHeaderBytes: headers.Length);

        Assert.Equal(MultipartError.None, result.Error);
    }

    [Fact]
    public void AHeaderBlockOneByteOverTheLimitIsRefused()
    {
        string headers = "Content-Disposition: form-data; name=a\r\n\r\n";

        MultipartCollector result = Parse($"--AaB03x\r\n{headers}1\r\n--AaB03x--", maxHeaderBytes: headers.Length - 1);

        Assert.Equal(MultipartError.HeaderBlockTooLarge, result.Error);
    }

    [Fact]
    public void AnEndlessHeaderLineIsRefusedAtTheLimitWhileItArrives()
    {
        var collector = new MultipartCollector(ContentType, maxHeaderBytes: 100);
        collector.Feed("--AaB03x\r\nX-Long: "u8);

        MultipartError error = MultipartError.None;
        for (int i = 0; i < 20 && error == MultipartError.None; i++)
        {
            error = collector.Feed("aaaaaaaaaa"u8);
        }

        Assert.Equal(MultipartError.HeaderBlockTooLarge, error);
    }

    [Fact]
    public void PartsUpToTheLimitAreRead()
    {
        MultipartCollector result = MultipartCollector.Parse(ContentType, Form(3), maxParts: 3);

        Assert.Equal(MultipartError.None, result.Error);
        Assert.Equal(3, result.Reader.PartCount);
    }

    [Fact]
    public void APartOverTheLimitIsRefusedAfterTheOnesBeforeIt()
    {
        MultipartCollector result = MultipartCollector.Parse(ContentType, Form(4), maxParts: 3);

        Assert.Equal(MultipartError.TooManyParts, result.Error);
        Assert.Equal(3, result.Parts.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no delimiter at all")]
    [InlineData("--AaB03x")]
    [InlineData("--AaB03x\r\n")]
    [InlineData("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n")]
    [InlineData("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1")]
    [InlineData("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x")]
    [InlineData("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x-")]
    [InlineData("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--AaB03x\r\n")]
    public void ABodyThatEndsBeforeItsCloseDelimiterIsUnterminated(string body) =>
        Assert.Equal(MultipartError.UnterminatedBody, Parse(body).Error);

    [Fact]
    public void EveryPrefixOfABodyIsUnterminatedUntilTheCloseDelimiterEnds()
    {
        byte[] body = MultipartVectors.Html4;
        int closeEnd = Encoding.ASCII.GetString(body).IndexOf("--AaB03x--", StringComparison.Ordinal) + "--AaB03x--".Length;

        for (int length = 0; length <= body.Length; length++)
        {
            MultipartCollector result = MultipartCollector.Parse(MultipartVectors.Html4ContentType, body[..length]);

            Assert.Equal(length >= closeEnd ? MultipartError.None : MultipartError.UnterminatedBody, result.Error);
        }
    }

    [Theory]
    [InlineData("multipart/form-data")]
    [InlineData("multipart/form-data; boundary=")]
    [InlineData("multipart/form-data; boundary=\"a@b\"")]
    public void AContentTypeWithoutAValidBoundaryIsAMissingBoundary(string contentType)
    {
        var collector = new MultipartCollector(contentType);

        Assert.Equal(MultipartError.MissingBoundary, collector.ResetError);
        Assert.Equal(MultipartError.MissingBoundary, collector.Feed(MultipartVectors.Html4));
        Assert.Equal(MultipartError.MissingBoundary, collector.Reader.Complete());
    }

    [Fact]
    public void ResetForgetsThePreviousBodyEvenAFailedOne()
    {
        var reader = new MultipartReader(maxParts: 2, maxHeaderBytes: 256);
        Assert.Equal(MultipartError.TooManyParts, new MultipartCollector(reader, ContentType).FeedAll([Form(3)]));

        var second = new MultipartCollector(reader, MultipartVectors.BrowserContentType);

        Assert.Equal(MultipartError.TooManyParts, second.FeedAll([MultipartVectors.Browser]));
        Assert.Equal(2, second.Parts.Count);
        Assert.Equal("title", second.Parts[0].Name);
    }

    [Fact]
    public void ResetAfterAPartialBodyStartsClean()
    {
        var reader = new MultipartReader(maxParts: 16, maxHeaderBytes: 256);
        new MultipartCollector(reader, ContentType).Feed("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\nhalf a\r\n--Aa"u8);

        var second = new MultipartCollector(reader, MultipartVectors.Html4ContentType);

        Assert.Equal(MultipartError.None, second.FeedAll([MultipartVectors.Html4]));
        Assert.Equal(["submit-name", "files"], second.Parts.ConvertAll(p => p.Name));
    }

    [Fact]
    public void ReadBeforeResetThrows() =>
        Assert.Throws<InvalidOperationException>(() => new MultipartReader(1, 64).Read([], out _, out _));

    [Fact]
    public void DataComesAsOneSegmentPerChunkWhenNoDelimiterIsNear()
    {
        var collector = new MultipartCollector(ContentType);
        collector.Feed("--AaB03x\r\nContent-Disposition: form-data; name=a\r\n\r\n"u8);
        byte[] chunk = new byte[16 * 1024];
        Array.Fill(chunk, (byte)'x');

        int events = 0;
        ReadOnlySpan<byte> input = chunk;
        while (collector.Reader.Read(input, out int consumed, out ReadOnlySpan<byte> data) == MultipartEvent.PartData)
        {
            events++;
            Assert.Equal(chunk.Length, data.Length);
            input = input[consumed..];
        }

        Assert.Equal(1, events);
    }

    private static MultipartCollector Parse(string body, int maxParts = 16, int maxHeaderBytes = 1024) =>
        MultipartCollector.Parse(ContentType, Encoding.UTF8.GetBytes(body), maxParts, maxHeaderBytes);

    private static byte[] Form(int parts)
    {
        var body = new StringBuilder();
        for (int i = 0; i < parts; i++)
        {
            body.Append($"--AaB03x\r\nContent-Disposition: form-data; name=f{i}\r\n\r\n{i}\r\n");
        }

        return Ascii(body.Append("--AaB03x--\r\n").ToString());
    }

    private static byte[] Ascii(string value) => Encoding.ASCII.GetBytes(value);
}

/// <summary>Compares parts by value, data included.</summary>
internal sealed class ReadPartComparer : IEqualityComparer<ReadPart>
{
    public static readonly ReadPartComparer Instance = new();

    public bool Equals(ReadPart? x, ReadPart? y) =>
        x is not null && y is not null && x.Name == y.Name && x.FileName == y.FileName && x.ContentType == y.ContentType && x.Data.AsSpan().SequenceEqual(y.Data);

    public int GetHashCode(ReadPart obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
}
