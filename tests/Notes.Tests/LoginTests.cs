using System.Threading.Tasks;
using FastCgi.Aot;
using FastCgi.Aot.Testing;

namespace Notes.Tests;

public sealed class LoginTests
{
    [Fact]
    public async Task AWrongPasswordAnswers401WithTheLoginPageAndNoCookie()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse login = await app.Client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("password", "guess")));

        Assert.Equal(401, login.StatusCode);
        Assert.Contains("Wrong password.", login.Text, System.StringComparison.Ordinal);
        Assert.Empty(login.SetCookies);
    }

    [Fact]
    public async Task WithoutAnAdminPasswordNobodyLogsIn()
    {
        await using NotesApp app = NotesApp.Start(withPassword: false);

        FcgiTestResponse login = await app.Client.SendAsync(FcgiTestRequest.Post("/login").WithForm(("password", "")));

        Assert.Equal(401, login.StatusCode);
    }

    [Fact]
    public async Task TheRightPasswordSetsAnHttpOnlyLaxSessionCookieAndGoesToAdmin()
    {
        await using NotesApp app = NotesApp.Start(useCookies: true, withPassword: true, "--session-lifetime", "600");

        FcgiTestResponse login = await app.LogInAsync();

        Assert.Equal("/admin", login.Location);
        FcgiTestCookie cookie = login.GetSetCookie("notes_session")!;
        Assert.True(cookie.HttpOnly);
        Assert.Equal(FcgiSameSite.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal(System.TimeSpan.FromMinutes(10), cookie.MaxAge);
        Assert.False(cookie.Secure);
        Assert.Equal(43, cookie.Value.Length); // 32 random bytes, base64url without padding
    }

    [Fact]
    public async Task AdminWithoutASessionCookieRedirectsToTheLoginPage()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse admin = await app.Client.GetAsync("/admin");

        Assert.Equal(303, admin.StatusCode);
        Assert.Equal("/login", admin.Location);
    }

    [Fact]
    public async Task AdminWithAForgedSessionCookieRedirectsToTheLoginPage()
    {
        await using NotesApp app = NotesApp.Start();

        FcgiTestResponse admin = await app.Client.SendAsync(FcgiTestRequest.Get("/admin").WithCookie("notes_session", new string('A', 43)));

        Assert.Equal(303, admin.StatusCode);
    }

    [Fact]
    public async Task AdminWithTheSessionCookieShowsTheAdminPage()
    {
        await using NotesApp app = NotesApp.Start(useCookies: true);
        await app.LogInAsync();

        FcgiTestResponse admin = await app.Client.GetAsync("/admin");

        Assert.Equal(200, admin.StatusCode);
        Assert.Contains("<h1>Admin</h1>", admin.Text, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionPastItsLifetimeNoLongerOpensTheAdminPages()
    {
        // Expiry is stored in whole seconds: 2 s of lifetime, then 3 s of waiting.
        await using NotesApp app = NotesApp.Start(useCookies: false, withPassword: true, "--session-lifetime", "2");
        string token = (await app.LogInAsync()).GetSetCookie("notes_session")!.Value;

        FcgiTestResponse fresh = await app.Client.SendAsync(FcgiTestRequest.Get("/admin").WithCookie("notes_session", token));
        await Task.Delay(System.TimeSpan.FromSeconds(3));
        FcgiTestResponse stale = await app.Client.SendAsync(FcgiTestRequest.Get("/admin").WithCookie("notes_session", token));

        Assert.Equal(200, fresh.StatusCode);
        Assert.Equal(303, stale.StatusCode);
    }

    [Fact]
    public async Task LogoutDeletesTheCookieAndEndsTheSessionInTheDatabase()
    {
        await using NotesApp app = NotesApp.Start(useCookies: true);
        string token = (await app.LogInAsync()).GetSetCookie("notes_session")!.Value;

        FcgiTestResponse logout = await app.Client.SendAsync(FcgiTestRequest.Post("/logout"));
        // The old cookie, replayed: the session it named is gone.
        FcgiTestResponse replayed = await app.Client.SendAsync(FcgiTestRequest.Get("/admin").WithCookie("notes_session", token));

        Assert.Equal(303, logout.StatusCode);
        Assert.True(logout.GetSetCookie("notes_session")!.IsDeletion);
        Assert.Equal(0, app.Client.Cookies.Count);
        Assert.Equal(303, replayed.StatusCode);
        Assert.Equal("/login", replayed.Location);
    }
}
