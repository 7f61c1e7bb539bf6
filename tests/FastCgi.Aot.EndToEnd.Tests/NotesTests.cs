using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// samples/Notes published as its static NativeAOT executable (SQLite and OpenSSL linked in),
/// behind nginx, driven with curl as a user would: the form and the API, the login and the admin
/// guard, and a large upload that must not sit in the app's memory.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class NotesTests(SampleFixture fixture, ITestOutputHelper output)
{
    private const string Password = "e2e password";

    [EndToEndFact]
    public async Task A_form_post_answers_303_to_the_page_that_shows_the_note_and_the_api_creates_and_lists_notes()
    {
        using var servers = new ServerSet(fixture, "notes-pages");
        await servers.VerifyAsync(async () =>
        {
            string url = await StartAsync(servers).ConfigureAwait(false);

            Curl posted = await CurlAsync("--data-urlencode", "text=Milk <&> eggs", "-w", "%{http_code} %{redirect_url}", "-o", "/dev/null", url + "/notes").ConfigureAwait(false);
            Assert.Equal($"303 {url}/", posted.Stdout);
            Curl page = await CurlAsync(url + "/").ConfigureAwait(false);
            Assert.Contains(">Milk &lt;&amp;&gt; eggs</li>", page.Stdout, StringComparison.Ordinal);

            Curl created = await CurlAsync("-H", "Content-Type: application/json", "-d", """{"text":"from the API"}""", "-D", "-", url + "/api/notes").ConfigureAwait(false);
            Assert.StartsWith("HTTP/1.1 201", created.Stdout, StringComparison.Ordinal);
            Assert.Contains("Location: /api/notes/2\r\n", created.Stdout, StringComparison.Ordinal);
            Curl list = await CurlAsync(url + "/api/notes").ConfigureAwait(false);
            // System.Text.Json's default encoder writes HTML's special characters as \u escapes.
            Assert.Matches("""^\[\{"id":1,"text":"Milk \\u003C\\u0026\\u003E eggs","createdAt":"[^"]+"\},\{"id":2,"text":"from the API","createdAt":"[^"]+"\}\]$""", list.Stdout);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task The_login_cookie_opens_the_admin_group_and_without_it_the_guard_sends_to_the_login_page()
    {
        using var servers = new ServerSet(fixture, "notes-login");
        await servers.VerifyAsync(async () =>
        {
            string url = await StartAsync(servers).ConfigureAwait(false);
            string jar = servers.Path("cookies.txt");

            Curl guarded = await CurlAsync("-w", "%{http_code} %{redirect_url}", "-o", "/dev/null", url + "/admin").ConfigureAwait(false);
            Assert.Equal($"303 {url}/login", guarded.Stdout);

            Curl wrong = await CurlAsync("-c", jar, "-d", "password=guess", "-w", "%{http_code}", "-o", "/dev/null", url + "/login").ConfigureAwait(false);
            Assert.Equal("401", wrong.Stdout);

            Curl login = await CurlAsync("-c", jar, "--data-urlencode", "password=" + Password, "-D", "-", "-o", "/dev/null", url + "/login").ConfigureAwait(false);
            Assert.StartsWith("HTTP/1.1 303", login.Stdout, StringComparison.Ordinal);
            string cookie = Assert.Single(login.Stdout.Split("\r\n"), line => line.StartsWith("Set-Cookie: notes_session=", StringComparison.Ordinal));
            Assert.Matches("^Set-Cookie: notes_session=[A-Za-z0-9_-]{43};", cookie);
            Assert.Contains("; HttpOnly", cookie, StringComparison.Ordinal);
            Assert.Contains("; SameSite=Lax", cookie, StringComparison.Ordinal);

            Curl admin = await CurlAsync("-b", jar, "-w", "\n%{http_code}", url + "/admin").ConfigureAwait(false);
            Assert.EndsWith("\n200", admin.Stdout, StringComparison.Ordinal);
            Assert.Contains("<h1>Admin</h1>", admin.Stdout, StringComparison.Ordinal);

            Curl logout = await CurlAsync("-b", jar, "-c", jar, "-X", "POST", "-w", "%{http_code}", "-o", "/dev/null", url + "/logout").ConfigureAwait(false);
            Assert.Equal("303", logout.Stdout);
            Curl after = await CurlAsync("-b", jar, "-w", "%{http_code}", "-o", "/dev/null", url + "/admin").ConfigureAwait(false);
            Assert.Equal("303", after.Stdout);
        }).ConfigureAwait(false);
    }

    [EndToEndFact]
    public async Task A_48_MiB_upload_through_nginx_is_stored_and_downloads_intact_while_the_app_stays_under_32_MiB_resident()
    {
        const int size = 48 << 20;
        const long budget = 32L << 20;
        using var servers = new ServerSet(fixture, "notes-upload");
        await servers.VerifyAsync(async () =>
        {
            (ChildProcess app, string url) = await StartAppAndNginxAsync(servers).ConfigureAwait(false);
            string jar = servers.Path("cookies.txt");
            string upload = servers.Path("upload.bin");
            string download = servers.Path("download.bin");
            WriteRandomFile(upload, size);

            await CurlAsync("-c", jar, "--data-urlencode", "password=" + Password, "-o", "/dev/null", url + "/login").ConfigureAwait(false);
            Curl stored = await CurlAsync("-b", jar, "-F", "file=@" + upload + ";type=application/octet-stream", "-w", "\n%{http_code}", url + "/admin/files").ConfigureAwait(false);
            Assert.EndsWith("\n201", stored.Stdout, StringComparison.Ordinal);
            Match file = StoredFile().Match(stored.Stdout);
            Assert.True(file.Success, stored.Stdout);
            Assert.Equal(size.ToString(CultureInfo.InvariantCulture), file.Groups["length"].Value);

            Curl downloaded = await CurlAsync("-o", download, "-D", "-", url + "/files/" + file.Groups["id"].Value).ConfigureAwait(false);
            Assert.StartsWith("HTTP/1.1 200", downloaded.Stdout, StringComparison.Ordinal);
            Assert.Equal(SHA256.HashData(File.ReadAllBytes(upload)), SHA256.HashData(File.ReadAllBytes(download)));

            long peak = PeakResidentBytes(app.Id);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Notes peak RSS (VmHWM) after a {size >> 20} MiB upload and download: {peak / 1048576.0:0.0} MiB, budget {budget >> 20} MiB"));
            Assert.True(peak < budget, $"the app's peak resident memory was {peak} bytes, over {budget}: the upload or download was held in memory");

            // The access log, one line per request, from the [FcgiAfter] hook.
            Assert.Matches(@"(?m)^POST /admin/files 201 \d+\.\dms \d+B$", app.Log);
            Assert.Matches(@"(?m)^GET /files/1 200 \d+\.\dms \d{8,}B$", app.Log);
        }).ConfigureAwait(false);
    }

    /// <summary>The published executable, built on first use and shared by the tests of this class.</summary>
    private string Executable()
    {
        PublishResult result = fixture.PublishOnce("Notes linux-x64", () =>
        {
            fixture.RequireNativeAotToolchain();
            Assert.True(File.Exists(SampleFixture.NotesSqliteLibrary), $"{SampleFixture.NotesSqliteLibrary} is missing: apt-get install libsqlite3-dev");
            string outputDirectory = fixture.CreateDirectory("publish-notes");
            (int exitCode, string log) = SampleFixture.RunDotnet(
                ["publish", Path.Combine(SampleFixture.RepositoryRoot(), "samples", "Notes"), "-r", "linux-x64", "-o", outputDirectory], workingDirectory: null);
            return new PublishResult(exitCode, log, Path.Combine(outputDirectory, "Notes"), outputDirectory);
        });
        Assert.True(result.ExitCode == 0, $"dotnet publish samples/Notes failed:\n{result.Log}");
        ElfFile elf = ElfFile.Read(result.Executable);
        Assert.True(elf.IsStatic, "samples/Notes is dynamically linked");
        return result.Executable;
    }

    private async Task<string> StartAsync(ServerSet servers) => (await StartAppAndNginxAsync(servers).ConfigureAwait(false)).Url;

    private async Task<(ChildProcess App, string Url)> StartAppAndNginxAsync(ServerSet servers)
    {
        (ChildProcess app, string socket) = await servers.StartAppAsync(
            AppCommand.Native("Notes", Executable()), "app.sock",
            "--db", servers.Path("notes.db"), "--admin-password", Password).ConfigureAwait(false);
        int port = await servers.StartNginxAsync(socket, clientMaxBodySize: "64m").ConfigureAwait(false);
        return (app, $"http://127.0.0.1:{port}");
    }

    private async Task<Curl> CurlAsync(params string[] arguments)
    {
        (int exitCode, byte[] stdout, string stderr) = await ChildProcess.RunAsync(
            fixture.Program("curl"), ["-sS", .. arguments], null, false, default, TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        Assert.True(exitCode == 0, $"curl {string.Join(' ', arguments)} exited with {exitCode}: {stderr}");
        return new Curl(Encoding.UTF8.GetString(stdout));
    }

    private static void WriteRandomFile(string path, int size)
    {
        var random = new Random(48);
        byte[] block = new byte[1 << 20];
        using FileStream file = File.Create(path);
        for (int written = 0; written < size; written += block.Length)
        {
            random.NextBytes(block);
            file.Write(block);
        }
    }

    /// <summary>The peak resident set size of process <paramref name="pid"/>: VmHWM in /proc/PID/status, in kB.</summary>
    private static long PeakResidentBytes(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    [GeneratedRegex("""^\{"id":(?<id>\d+),"name":"upload.bin","contentType":"application/octet-stream","length":(?<length>\d+),"crc32":\d+\}""")]
    private static partial Regex StoredFile();

    private sealed record Curl(string Stdout);
}
