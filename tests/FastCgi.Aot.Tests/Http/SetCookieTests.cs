using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace FastCgi.Aot.Tests.Http;

public class SetCookieTests
{
    [Fact]
    public void WithCookieWithoutOptionsSendsTheBarePair() =>
        Assert.Equal(["sid=31d4d96e407aad42"], SetCookies(FcgiResults.Ok().WithCookie("sid", "31d4d96e407aad42")));

    [Fact]
    public void WithCookieWritesEveryAttributeInOrder()
    {
        var options = new FcgiCookieOptions
        {
            Path = "/",
            Domain = "example.com",
            MaxAge = TimeSpan.FromHours(1),
            Expires = new DateTimeOffset(2015, 10, 21, 7, 28, 0, TimeSpan.Zero),
            HttpOnly = true,
            Secure = true,
            SameSite = FcgiSameSite.Strict,
        };

        Assert.Equal(
            ["id=a3fWa; Path=/; Domain=example.com; Max-Age=3600; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly; SameSite=Strict"],
            SetCookies(FcgiResults.Ok().WithCookie("id", "a3fWa", options)));
    }

    [Fact]
    public void ExpiresIsAnImfFixdateInGmtWhateverTheOffset()
    {
        // RFC 9110 §5.6.7's example, given as 09:49:37 at +01:00.
        var options = new FcgiCookieOptions { Expires = new DateTimeOffset(1994, 11, 6, 9, 49, 37, TimeSpan.FromHours(1)) };

        Assert.Equal(["a=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT"], SetCookies(FcgiResults.Ok().WithCookie("a", "1", options)));
    }

    [Fact]
    public void MaxAgeIsSentInWholeSecondsWithTheFractionCutOff() =>
        Assert.Equal(["a=1; Max-Age=1"], SetCookies(FcgiResults.Ok().WithCookie("a", "1", new FcgiCookieOptions { MaxAge = TimeSpan.FromMilliseconds(1999) })));

    [Theory]
    [InlineData(FcgiSameSite.Lax, "a=1; Secure; SameSite=Lax")]
    [InlineData(FcgiSameSite.Strict, "a=1; Secure; SameSite=Strict")]
    [InlineData(FcgiSameSite.None, "a=1; Secure; SameSite=None")]
    public void SameSiteIsSentAsSet(FcgiSameSite sameSite, string expected) =>
        Assert.Equal([expected], SetCookies(FcgiResults.Ok().WithCookie("a", "1", new FcgiCookieOptions { Secure = true, SameSite = sameSite })));

    [Fact]
    public void ANullSameSiteSendsNoAttribute() =>
        Assert.Equal(["a=1; HttpOnly"], SetCookies(FcgiResults.Ok().WithCookie("a", "1", new FcgiCookieOptions { HttpOnly = true })));

    [Fact]
    public void SameSiteNoneWithoutSecureIsRefused()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            FcgiResults.Ok().WithCookie("a", "1", new FcgiCookieOptions { SameSite = FcgiSameSite.None }));

        Assert.Contains("SameSite=None without Secure", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueInDoubleQuotesIsSentAsItIs() =>
        Assert.Equal(["a=\"x=1&y=2\""], SetCookies(FcgiResults.Ok().WithCookie("a", "\"x=1&y=2\"")));

    [Fact]
    public void AnEmptyValueIsAllowed() =>
        Assert.Equal(["a="], SetCookies(FcgiResults.Ok().WithCookie("a", string.Empty)));

    [Theory]
    [InlineData("a b", 1, "U+0020")]
    [InlineData("a=b", 1, "U+003D")]
    [InlineData("a;b", 1, "U+003B")]
    [InlineData("(x)", 0, "U+0028")]
    [InlineData("ses\u00e9", 3, "U+00E9")]
    [InlineData("a\r\nb", 1, "U+000D")]
    public void ANameThatIsNotATokenIsRefusedWithTheCharacterAndWhy(string name, int index, string codePoint)
    {
        var exception = Assert.Throws<ArgumentException>(() => FcgiResults.Ok().WithCookie(name, "1"));

        Assert.Equal("name", exception.ParamName);
        Assert.Contains($"{codePoint} at index {index}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not a token character", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyNameIsRefused() =>
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => FcgiResults.Ok().WithCookie(string.Empty, "1")).ParamName);

    [Theory]
    [InlineData("a b", 1)]
    [InlineData("a,b", 1)]
    [InlineData("a;b", 1)]
    [InlineData("a\"b", 1)]
    [InlineData("a\\b", 1)]
    [InlineData("caf\u00e9", 3)]
    [InlineData("a\tb", 1)]
    [InlineData("a\u007Fb", 1)]
    [InlineData("\"a b\"", 2)]
    [InlineData("\"abc", 0)]
    public void AValueWithACharacterOutsideCookieOctetsIsRefused(string value, int index)
    {
        var exception = Assert.Throws<ArgumentException>(() => FcgiResults.Ok().WithCookie("a", value));

        Assert.Equal("value", exception.ParamName);
        Assert.Contains($"at index {index}, which is not a cookie-octet", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMessageForABadValueDoesNotRepeatTheValue()
    {
        var exception = Assert.Throws<ArgumentException>(() => FcgiResults.Ok().WithCookie("sid", "hunter2 secret"));

        Assert.DoesNotContain("hunter2", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a;b", null)]
    [InlineData("/a\nb", null)]
    [InlineData("/caf\u00e9", null)]
    [InlineData("", null)]
    [InlineData(null, "example.com; Secure")]
    [InlineData(null, "exa\u0000mple.com")]
    [InlineData(null, "")]
    public void APathOrDomainWithAControlCharacterOrSemicolonIsRefused(string? path, string? domain) =>
        Assert.Equal("options", Assert.Throws<ArgumentException>(() =>
            FcgiResults.Ok().WithCookie("a", "1", new FcgiCookieOptions { Path = path, Domain = domain })).ParamName);

    [Fact]
    public void ANegativeMaxAgeIsRefused() =>
        Assert.Throws<ArgumentException>(() => FcgiResults.Ok().WithCookie("a", "1", new FcgiCookieOptions { MaxAge = TimeSpan.FromSeconds(-1) }));

    [Theory]
    [InlineData("__Secure-id", false, "/", null)]
    [InlineData("__secure-id", false, "/", null)]
    [InlineData("__Host-id", false, "/", null)]
    [InlineData("__Host-id", true, "/app", null)]
    [InlineData("__Host-id", true, null, null)]
    [InlineData("__HOST-id", true, "/", "example.com")]
    public void ACookiePrefixWithoutWhatItPromisesIsRefused(string name, bool secure, string? path, string? domain) =>
        Assert.Throws<ArgumentException>(() =>
            FcgiResults.Ok().WithCookie(name, "1", new FcgiCookieOptions { Secure = secure, Path = path, Domain = domain }));

    [Theory]
    [InlineData("__Secure-id", "__Secure-id=1; Path=/app; Domain=example.com; Secure")]
    [InlineData("__Host-id", "__Host-id=1; Path=/; Secure")]
    public void ACookiePrefixWithWhatItPromisesIsSent(string name, string expected)
    {
        var options = new FcgiCookieOptions { Secure = true, Path = "/", Domain = null };
        if (name.StartsWith("__Secure-", StringComparison.Ordinal))
        {
            options.Path = "/app";
            options.Domain = "example.com";
        }

        Assert.Equal([expected], SetCookies(FcgiResults.Ok().WithCookie(name, "1", options)));
    }

    [Fact]
    public void WithCookieLeavesTheOriginalResultUnchanged()
    {
        FcgiResult original = FcgiResults.Ok();

        FcgiResult withCookie = original.WithCookie("a", "1");

        Assert.Empty(original.Headers);
        Assert.NotSame(original, withCookie);
    }

    [Fact]
    public void TwoCookiesAreTwoSetCookieHeaders() =>
        Assert.Equal(["a=1", "b=2"], SetCookies(FcgiResults.Ok().WithCookie("a", "1").WithCookie("b", "2")));

    [Fact]
    public void DeleteCookieSendsAnEmptyValueExpiredBothWaysWithTheSamePathAndDomain()
    {
        var options = new FcgiCookieOptions
        {
            Path = "/app",
            Domain = "example.com",
            MaxAge = TimeSpan.FromDays(30),
            Expires = DateTimeOffset.MaxValue,
            Secure = true,
            HttpOnly = true,
            SameSite = FcgiSameSite.None,
        };

        Assert.Equal(
            ["sid=; Path=/app; Domain=example.com; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=None"],
            SetCookies(FcgiResults.Ok().DeleteCookie("sid", options)));
    }

    [Fact]
    public void DeleteCookieWithoutOptionsNeedsNoPath() =>
        Assert.Equal(["sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], SetCookies(FcgiResults.Ok().DeleteCookie("sid")));

    [Fact]
    public void DeleteCookieChecksTheName() =>
        Assert.Throws<ArgumentException>(() => FcgiResults.Ok().DeleteCookie("a b"));

    [Fact]
    public void ResponseWithCookieAddsOneSetCookieHeaderPerCookie()
    {
        var response = new FcgiResponse();

        response.WithCookie("a", "1", new FcgiCookieOptions { Path = "/" }).WithCookie("b", "2");

        Assert.Equal(["a=1; Path=/", "b=2"], SetCookies(response));
    }

    [Fact]
    public void ResponseWithCookieFormatsACookieLongerThanTheStackBuffer()
    {
        var response = new FcgiResponse();
        string value = new('v', 1000);

        response.WithCookie("big", value, new FcgiCookieOptions { Path = "/", HttpOnly = true });

        Assert.Equal([$"big={value}; Path=/; HttpOnly"], SetCookies(response));
    }

    [Fact]
    public void ResponseDeleteCookieAddsTheExpiredCookie()
    {
        var response = new FcgiResponse();

        response.DeleteCookie("sid", new FcgiCookieOptions { Path = "/" });

        Assert.Equal(["sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], SetCookies(response));
    }

    [Fact]
    public void ResponseWithCookieRefusesAnInvalidValueAndAddsNothing()
    {
        var response = new FcgiResponse();

        Assert.Throws<ArgumentException>(() => response.WithCookie("a", "x y"));

        Assert.Empty(SetCookies(response));
    }

    [Fact]
    public void ResponseWithCookieThrowsOnceTheHeadersWereSent()
    {
        var response = new FcgiResponse();
        response.MarkHeadersSent();

        Assert.Throws<InvalidOperationException>(() => response.WithCookie("a", "1"));
    }

    [Fact]
    public void AResultsCookiesReachTheResponseAsSeparateHeaders()
    {
        var response = new FcgiResponse();

        FcgiResults.Ok().WithCookie("a", "1").DeleteCookie("b").WriteTo(response);

        Assert.Equal(["a=1", "b=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], SetCookies(response));
    }

    private static List<string> SetCookies(FcgiResult result) =>
        result.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value).ToList();

    private static List<string> SetCookies(FcgiResponse response)
    {
        byte[] block = new byte[response.MaxHeaderBlockLength];
        string headers = Encoding.ASCII.GetString(block, 0, response.WriteHeaderBlock(block, complete: true));
        return headers.Split("\r\n").Where(l => l.StartsWith("Set-Cookie: ", StringComparison.Ordinal)).Select(l => l["Set-Cookie: ".Length..]).ToList();
    }
}
