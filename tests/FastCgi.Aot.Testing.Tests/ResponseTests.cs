using System;
using System.Threading.Tasks;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>Every member of an answer, from real answers of the test application.</summary>
public sealed class ResponseTests
{
    public static TheoryData<Mode> Modes => TestClients.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ARedirectWithCookiesHasItsStatusLocationAndEachSetCookie(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("user", "alice")));

        Assert.Equal(303, response.StatusCode);
        Assert.Equal("See Other", response.ReasonPhrase);
        Assert.Equal("/me", response.Location);
        Assert.Equal(3, response.GetHeaderValues("set-cookie").Count);
        Assert.Equal(["sid", "theme", "secret"], [.. System.Linq.Enumerable.Select(response.SetCookies, static c => c.Name)]);

        FcgiTestCookie sid = response.GetSetCookie("sid")!;
        Assert.Equal("session-alice", sid.Value);
        Assert.Equal("/", sid.Path);
        Assert.True(sid.HttpOnly);
        Assert.False(sid.Secure);
        Assert.Equal(FcgiSameSite.Lax, sid.SameSite);
        Assert.Null(sid.MaxAge);
        Assert.False(sid.IsDeletion);

        FcgiTestCookie theme = response.GetSetCookie("theme")!;
        Assert.Equal("/account", theme.Path);
        Assert.Equal(TimeSpan.FromHours(1), theme.MaxAge);
        Assert.Null(theme.SameSite);

        Assert.True(response.GetSetCookie("secret")!.Secure);
        Assert.Null(response.GetSetCookie("nope"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ADeletedCookieIsADeletion(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Post("/logout"));
        FcgiTestCookie sid = response.GetSetCookie("sid")!;

        Assert.True(sid.IsDeletion);
        Assert.Equal("", sid.Value);
        Assert.Equal(TimeSpan.Zero, sid.MaxAge);
        Assert.True(sid.Expires < DateTimeOffset.UtcNow);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task TheRawOutputIsTheCgiResponseAsWritten(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        FcgiTestResponse response = await client.GetAsync("/hello");

        Assert.Equal(
            "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!",
            System.Text.Encoding.UTF8.GetString(response.RawOutput.Span));
        Assert.Equal(["Content-Type", "Content-Length"], [.. System.Linq.Enumerable.Select(response.Headers, static h => h.Key)]);
        Assert.Equal("text/plain; charset=utf-8", response.ContentType);
        Assert.Equal(13, response.ContentLength);
        Assert.Null(response.Location);
        Assert.Equal("text/plain; charset=utf-8", response.GetHeader("CONTENT-TYPE"));
        Assert.Empty(response.GetHeaderValues("X-Absent"));
        Assert.Equal(0u, response.AppStatus);
        Assert.Equal("", response.Stderr);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(response.RawOutput.Span), response.ToString());
    }

    [Theory]
    [InlineData("sid=abc", "sid", "abc")]
    [InlineData(" sid = \"quoted value\" ; path=/x", "sid", "\"quoted value\"")]
    [InlineData("empty=", "empty", "")]
    [InlineData("a=b=c", "a", "b=c")]
    public void ASetCookieValueIsParsedAsABrowserParsesIt(string header, string name, string value)
    {
        Assert.True(FcgiTestCookie.TryParse(header, out FcgiTestCookie? cookie));
        Assert.Equal(name, cookie!.Name);
        Assert.Equal(value, cookie.Value);
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("=value")]
    [InlineData("")]
    public void ASetCookieABrowserIgnoresDoesNotParse(string header) =>
        Assert.False(FcgiTestCookie.TryParse(header, out _));

    [Fact]
    public void SetCookieAttributesAreCaseInsensitiveAndUnknownOnesIgnored()
    {
        Assert.True(FcgiTestCookie.TryParse(
            "id=7; PATH=/app; domain=.Example.ORG; max-age=60; expires=Wed, 21 Oct 2037 07:28:00 GMT; SECURE; httponly; samesite=strict; Priority=High",
            out FcgiTestCookie? cookie));

        Assert.Equal("/app", cookie!.Path);
        Assert.Equal("example.org", cookie.Domain);
        Assert.Equal(TimeSpan.FromSeconds(60), cookie.MaxAge);
        Assert.Equal(new DateTimeOffset(2037, 10, 21, 7, 28, 0, TimeSpan.Zero), cookie.Expires);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(FcgiSameSite.Strict, cookie.SameSite);
        Assert.False(cookie.IsDeletion);
        Assert.Equal("id=7; Path=/app; Domain=example.org; Max-Age=60; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Secure; HttpOnly; SameSite=Strict", cookie.ToString());
    }

    [Fact]
    public void MalformedAttributesAreIgnored()
    {
        Assert.True(FcgiTestCookie.TryParse("id=7; Path=relative; Max-Age=soon; Expires=someday; SameSite=Sometimes", out FcgiTestCookie? cookie));

        Assert.Null(cookie!.Path);
        Assert.Null(cookie.MaxAge);
        Assert.Null(cookie.Expires);
        Assert.Null(cookie.SameSite);
    }

    [Theory]
    [InlineData("a=1; Max-Age=0", true)]
    [InlineData("a=1; Max-Age=-5", true)]
    [InlineData("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", true)]
    [InlineData("a=1; Max-Age=10; Expires=Thu, 01 Jan 1970 00:00:00 GMT", false)]
    [InlineData("a=1", false)]
    public void MaxAgeWinsOverExpiresInDecidingADeletion(string header, bool deletion)
    {
        Assert.True(FcgiTestCookie.TryParse(header, out FcgiTestCookie? cookie));
        Assert.Equal(deletion, cookie!.IsDeletion);
    }
}
