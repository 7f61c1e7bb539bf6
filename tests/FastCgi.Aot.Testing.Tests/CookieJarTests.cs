using System;
using System.Linq;
using System.Threading.Tasks;
using TestApplication = FastCgi.Aot.Generated.FcgiApplication;

namespace FastCgi.Aot.Testing.Tests;

/// <summary>The client's cookie jar: off by default, a browser's rules when on.</summary>
public sealed class CookieJarTests
{
    public static TheoryData<Mode> Modes => TestClients.Modes;

    private static readonly FcgiTestClientOptions s_withCookies = new() { UseCookies = true };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WithoutUseCookiesTheAnswersCookiesAreNotKept(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode);

        await client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("user", "alice")));
        FcgiTestResponse me = await client.GetAsync("/me");

        Assert.Equal(0, client.Cookies.Count);
        Assert.Equal(401, me.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WithUseCookiesTheClientLogsInAndOutAsABrowserDoes(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, s_withCookies);

        FcgiTestResponse login = await client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("user", "alice")));
        FcgiTestResponse me = await client.GetAsync(login.Location!);
        FcgiTestResponse root = await client.GetAsync("/cookies");
        FcgiTestResponse account = await client.GetAsync("/account/cookies");
        await client.SendAsync(FcgiTestRequest.Post("/logout"));
        FcgiTestResponse afterLogout = await client.GetAsync("/me");

        Assert.Equal("session-alice", me.Text);
        Assert.Equal("sid=session-alice", root.Text);                       // theme is for /account, secret for HTTPS
        Assert.Equal("theme=dark; sid=session-alice", account.Text);        // the longer path first
        Assert.Equal(401, afterLogout.StatusCode);
        Assert.Null(client.Cookies.GetValue("sid"));
        Assert.Equal("dark", client.Cookies.GetValue("theme"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task SecureCookiesGoBackOverHttpsOnly(Mode mode)
    {
        await using FcgiTestClient client = TestClients.Create<TestApplication>(mode, new FcgiTestClientOptions { UseCookies = true, Https = true });

        await client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("user", "bob")));
        FcgiTestResponse overHttps = await client.GetAsync("/cookies");
        FcgiTestResponse overHttp = await client.SendAsync(FcgiTestRequest.Get("/cookies").WithHttps(false));

        Assert.Equal("sid=session-bob; secret=s3cret", overHttps.Text);
        Assert.Equal("sid=session-bob", overHttp.Text);
    }

    [Fact]
    public async Task CookiesSetOnTheJarAreSentWithoutUseCookies()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<TestApplication>();
        client.Cookies.Set("sid", "preset");
        client.Cookies.Set("theme", "light", path: "/account");
        client.Cookies.Set("token", "t", secure: true);

        FcgiTestResponse me = await client.GetAsync("/me");
        FcgiTestResponse cookies = await client.GetAsync("/cookies");

        Assert.Equal("preset", me.Text);
        Assert.Equal("sid=preset", cookies.Text);
        Assert.Equal(3, client.Cookies.Count);
    }

    [Fact]
    public async Task ARequestsOwnCookieReplacesTheJarsOfTheSameName()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<TestApplication>();
        client.Cookies.Set("sid", "from-jar");
        client.Cookies.Set("other", "kept");

        FcgiTestResponse response = await client.SendAsync(FcgiTestRequest.Get("/cookies").WithCookie("sid", "from-request"));

        Assert.Equal("other=kept; sid=from-request", response.Text);
    }

    [Fact]
    public async Task ACookieWithoutPathIsForTheDirectoryOfTheRequest()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>(s_withCookies);

        await client.GetAsync("/shop/cart/add?c=cart%3D3");
        FcgiTestResponse inDirectory = await client.GetAsync("/shop/cart/view");
        FcgiTestResponse outside = await client.GetAsync("/shop/other");

        Assert.Equal("cart=3", inDirectory.Text);
        Assert.Equal("(none)", outside.Text);
        Assert.Equal("/shop/cart", client.Cookies.Single().Path);
    }

    [Fact]
    public async Task ACookiePathMatchesWholeSegmentsOnly()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>(s_withCookies);

        await client.GetAsync("/?c=" + Uri.EscapeDataString("a=1; Path=/app"));
        FcgiTestResponse app = await client.GetAsync("/app");
        FcgiTestResponse below = await client.GetAsync("/app/x");
        FcgiTestResponse similar = await client.GetAsync("/apple");

        Assert.Equal("a=1", app.Text);
        Assert.Equal("a=1", below.Text);
        Assert.Equal("(none)", similar.Text);
    }

    [Fact]
    public async Task MaxAgeZeroOrAPastExpiresDeletesTheCookie()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>(s_withCookies);

        await client.GetAsync("/?c=a%3D1%3B+Path%3D%2F&c=b%3D2%3B+Path%3D%2F&c=c%3D3%3B+Path%3D%2F");
        await client.GetAsync("/?c=" + Uri.EscapeDataString("a=; Path=/; Max-Age=0") + "&c=" + Uri.EscapeDataString("b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        FcgiTestResponse response = await client.GetAsync("/");

        Assert.Equal("c=3", response.Text);
    }

    [Fact]
    public async Task ACookieThatExpiresIsNoLongerSent()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>(s_withCookies);

        await client.GetAsync("/?c=" + Uri.EscapeDataString("brief=1; Path=/; Max-Age=2") + "&c=" + Uri.EscapeDataString("long=2; Path=/; Max-Age=3600"));
        FcgiTestResponse before = await client.GetAsync("/");
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        FcgiTestResponse after = await client.GetAsync("/");

        Assert.Equal("brief=1; long=2", before.Text);
        Assert.Equal("long=2", after.Text);
    }

    [Fact]
    public async Task ACookieForAnotherDomainIsIgnoredAndOneForAParentDomainKept()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>(new FcgiTestClientOptions { UseCookies = true, Host = "shop.example.org" });

        await client.GetAsync("/?c=" + Uri.EscapeDataString("foreign=1; Domain=example.com; Path=/") + "&c=" + Uri.EscapeDataString("parent=2; Domain=.example.org; Path=/"));
        FcgiTestResponse response = await client.GetAsync("/");

        Assert.Equal("parent=2", response.Text);
        Assert.Equal("example.org", client.Cookies.Single().Domain);
    }

    [Fact]
    public async Task ASetCookieReplacesTheCookieOfTheSameNameAndPath()
    {
        await using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>(s_withCookies);

        await client.GetAsync("/?c=" + Uri.EscapeDataString("v=1; Path=/"));
        await client.GetAsync("/?c=" + Uri.EscapeDataString("v=2; Path=/"));
        await client.GetAsync("/?c=" + Uri.EscapeDataString("v=deep; Path=/deep"));

        Assert.Equal(["v=deep", "v=2"], client.Cookies.Select(static c => c.Name + "=" + c.Value));
        Assert.Equal("deep", client.Cookies.GetValue("v"));
        Assert.Equal("v=deep; v=2", (await client.GetAsync("/deep/x")).Text);
    }

    [Fact]
    public void RemoveAndClearEmptyTheJar()
    {
        using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>();
        client.Cookies.Set("a", "1");
        client.Cookies.Set("b", "2");
        client.Cookies.Set("b", "3", path: "/x");

        Assert.True(client.Cookies.Remove("b"));
        Assert.False(client.Cookies.Remove("b"));
        Assert.Equal(1, client.Cookies.Count);
        client.Cookies.Clear();
        Assert.Equal(0, client.Cookies.Count);
    }

    [Theory]
    [InlineData("bad name", "v")]
    [InlineData("name", "a b")]
    [InlineData("name", "a;b")]
    [InlineData("", "v")]
    public void TheJarRefusesWhatNoCookieHeaderCanCarry(string name, string value)
    {
        using FcgiTestClient client = FcgiTestClient.Create<SetCookieApp>();

        Assert.ThrowsAny<ArgumentException>(() => client.Cookies.Set(name, value));
    }
}
