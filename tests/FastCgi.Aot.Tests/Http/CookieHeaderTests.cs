using System;
using System.Collections.Generic;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

public class CookieHeaderTests
{
    [Theory]
    [InlineData("SID", "31d4d96e407aad42")]
    [InlineData("lang", "en-US")]
    public void TryGetCookieValueFindsEachCookieOfTheRfcExample(string name, string value)
    {
        // RFC 6265 §3.1: "Cookie: SID=31d4d96e407aad42; lang=en-US".
        Assert.Equal(value, Find("SID=31d4d96e407aad42; lang=en-US", name));
    }

    [Fact]
    public void TryGetCookieValueReturnsTheFirstOfTwoCookiesWithOneName() =>
        Assert.Equal("specific", Find("sid=specific; sid=general", "sid"));

    [Fact]
    public void TryGetCookieValueComparesNamesCaseSensitively() =>
        Assert.Null(Find("SID=1; Sid=2", "sid"));

    [Fact]
    public void TryGetCookieValueDoesNotMatchANameThatOnlyEndsWithTheName() =>
        Assert.Equal("2", Find("xa=1; a=2", "a"));

    [Fact]
    public void TryGetCookieValueRemovesOnePairOfSurroundingQuotes()
    {
        Assert.Equal("abc", Find("a=\"abc\"", "a"));
        Assert.Equal("\"abc\"", Find("a=\"\"abc\"\"", "a"));
        Assert.Equal("\"abc", Find("a=\"abc", "a"));
        Assert.Equal(string.Empty, Find("a=\"\"", "a"));
    }

    [Fact]
    public void TryGetCookieValueReturnsTheValueWithoutPercentDecoding() =>
        Assert.Equal("J%C3%BCrgen+M", Find("name=J%C3%BCrgen+M", "name"));

    [Fact]
    public void TryGetCookieValueTrimsWhitespaceAroundNamesAndValues()
    {
        Assert.Equal("1", Find("  a = 1 ;b=2\t", "a"));
        Assert.Equal("2", Find("  a = 1 ;b=2\t", "b"));
    }

    [Fact]
    public void TryGetCookieValueKeepsEverythingAfterTheFirstEquals() =>
        Assert.Equal("b=c==", Find("a=b=c==", "a"));

    [Fact]
    public void TryGetCookieValueFindsAnEmptyValue() =>
        Assert.Equal(string.Empty, Find("a=; b=2", "a"));

    [Theory]
    [InlineData("")]
    [InlineData(";;;")]
    [InlineData("flag")]
    [InlineData("=flag")]
    [InlineData("other=flag")]
    public void TryGetCookieValueIsFalseWhenNoPairHasTheName(string header) =>
        Assert.Null(Find(header, "flag"));

    [Fact]
    public void TheReaderSkipsPairsWithoutEqualsOrName()
    {
        var pairs = new List<string>();
        var reader = new CookieHeaderReader("flag; a=1;; =x; b=2;"u8);
        while (reader.MoveNext())
        {
            pairs.Add(Encoding.ASCII.GetString(reader.Name) + "=" + Encoding.ASCII.GetString(reader.Value));
        }

        Assert.Equal(["a=1", "b=2"], pairs);
    }

    private static string? Find(string header, string name) =>
        FcgiBinding.TryGetCookieValue(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(name), out ReadOnlySpan<byte> value)
            ? Encoding.UTF8.GetString(value)
            : null;
}
