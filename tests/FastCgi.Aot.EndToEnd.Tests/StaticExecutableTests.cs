using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// What a static executable can do alone in an empty root: cryptography through OpenSSL, which the
/// package links in when the application reaches it, and name resolution, which needs files the
/// image must bring. The application is published from the package, outside the repository.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StaticExecutableTests(SampleFixture fixture)
{
    private const string CryptoProgram = """
        using System;
        using System.Net;
        using System.Net.Sockets;
        using System.Security.Cryptography;
        using System.Text;
        using FastCgi.Aot;

        return FcgiServer.Run(args);

        static class Api
        {
            [FcgiRoute("/sha256")]
            public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

            [FcgiRoute("/hmac")]
            public static string Hmac(string key, string text) =>
                Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text)));

            [FcgiRoute("/random")]
            public static string Random(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

            [FcgiRoute("/aes")]
            public static string AesRoundTrip(string key, string text)
            {
                using Aes aes = Aes.Create();
                aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(key));
                byte[] cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(text), new byte[16]);
                return Convert.ToHexStringLower(cipher) + " " + Encoding.UTF8.GetString(aes.DecryptCbc(cipher, new byte[16]));
            }

            [FcgiRoute("/resolve")]
            public static string Resolve(string host)
            {
                try
                {
                    return string.Join(",", Array.ConvertAll(Dns.GetHostAddresses(host), a => a.ToString()));
                }
                catch (SocketException exception)
                {
                    return "SocketException " + exception.SocketErrorCode + ": " + exception.Message;
                }
            }
        }
        """;

    /// <summary>CryptoApp, published once for these tests; the publish must succeed.</summary>
    private PublishResult Crypto()
    {
        // Under MSBuildTreatWarningsAsErrors, as a strict project builds: glibc's notes about static
        // linking (libcrypto calls gethostbyname) must not fail the publish.
        PublishResult result = fixture.PublishOnce("CryptoApp linux-x64", () => PackagedApp.Create(fixture, "CryptoApp", CryptoProgram, "<MSBuildTreatWarningsAsErrors>true</MSBuildTreatWarningsAsErrors>").Publish(fixture, "linux-x64"));
        Assert.True(result.ExitCode == 0, "dotnet publish of CryptoApp failed:\n" + result.Log);
        return result;
    }

    [EndToEndFact]
    public void An_app_that_reaches_openssl_is_told_so_and_gets_a_static_executable_with_openssl_inside()
    {
        (_, string log, string executable, _) = Crypto();
        Assert.Contains("CryptoApp calls OpenSSL (", log, StringComparison.Ordinal);
        Assert.Contains("CryptoNative_EvpSha256", log, StringComparison.Ordinal);
        ElfFile elf = ElfFile.Read(executable);
        Assert.True(elf.IsStatic, "CryptoApp is dynamically linked");
        Assert.False(elf.HasSymbolTable, "CryptoApp was not stripped");

        // OpenSSL's libcrypto is about 4 MB of the file: it must really be in there.
        Assert.True(elf.Size > 6_000_000, $"CryptoApp is only {elf.Size} bytes: OpenSSL cannot be linked into it");

        // The link ran through the package's wrapper, which drops glibc's expected notes.
        Assert.DoesNotContain("in statically linked applications requires at runtime", log, StringComparison.Ordinal);
    }

    /// <summary>The wrapper that drops glibc's notes keeps every other line of the linker and its exit status.</summary>
    [EndToEndFact]
    public void A_link_error_still_fails_the_publish_and_names_the_symbol()
    {
        PublishResult result = PackagedApp.Create(fixture, "UndefinedSymbolApp", """
            using System.Runtime.InteropServices;
            using FastCgi.Aot;

            return FcgiServer.Run(args);

            static class Api
            {
                [FcgiRoute("/hello")]
                public static string Hello() => NoSuchFunction() == 0 ? "zero" : "other";

                [DllImport("libc", EntryPoint = "fcgi_no_such_function")]
                private static extern int NoSuchFunction();
            }
            """).Publish(fixture, "linux-x64");
        Assert.True(result.ExitCode != 0, "a publish whose link has an undefined symbol succeeded:\n" + result.Log);
        Assert.Contains("undefined reference to `fcgi_no_such_function'", result.Log, StringComparison.Ordinal);
    }

    /// <summary>OpenSSL cannot be built for arm64 on this x64 machine: the build says so instead of making an executable that would crash.</summary>
    [EndToEndFact]
    public void An_app_that_reaches_openssl_fails_to_cross_compile_for_arm64_with_a_message_that_says_why()
    {
        PublishResult result = PackagedApp.Create(fixture, "CryptoArm64App", CryptoProgram).Publish(fixture, "linux-arm64");
        Assert.True(result.ExitCode != 0, "CryptoArm64App published for linux-arm64 although it calls OpenSSL:\n" + result.Log);
        Assert.Contains("FastCgi.Aot cannot build OpenSSL for linux-arm64 on an x64 machine", result.Log, StringComparison.Ordinal);
        Assert.Contains("FcgiStaticExecutable=false", result.Log, StringComparison.Ordinal);
    }

    [EndToEndFact]
    public async Task Sha256_hmac_random_numbers_and_aes_work_in_an_empty_root()
    {
        using var servers = new ServerSet(fixture, "crypto-chroot");
        string root = EmptyRoot(servers, Crypto().Executable);
        await servers.VerifyAsync(async () =>
        {
            string socket = await StartInRootAsync(servers, root).ConfigureAwait(false);

            // The expected values come from this test process's own .NET, which uses the host's libssl.
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("abc"u8)), await GetAsync(socket, "/sha256?text=abc").ConfigureAwait(false));
            Assert.Equal(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                await GetAsync(socket, "/sha256?text=abc").ConfigureAwait(false));
            Assert.Equal(
                Convert.ToHexStringLower(HMACSHA256.HashData("key"u8, "The quick brown fox"u8)),
                await GetAsync(socket, "/hmac?key=key&text=The%20quick%20brown%20fox").ConfigureAwait(false));

            string first = await GetAsync(socket, "/random?bytes=32").ConfigureAwait(false);
            string second = await GetAsync(socket, "/random?bytes=32").ConfigureAwait(false);
            Assert.Matches("^[0-9a-f]{64}$", first);
            Assert.NotEqual(first, second);

            using Aes aes = Aes.Create();
            aes.Key = SHA256.HashData("k"u8);
            string cipher = Convert.ToHexStringLower(aes.EncryptCbc("secret text"u8, new byte[16]));
            Assert.Equal(cipher + " secret text", await GetAsync(socket, "/aes?key=k&text=secret%20text").ConfigureAwait(false));
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// docs/deployment.md: in an empty root a host name does not resolve (a SocketException, not a
    /// crash); an /etc/hosts in the image resolves the names it lists; an IP address needs no lookup.
    /// </summary>
    [EndToEndFact]
    public async Task Name_resolution_in_an_empty_root_fails_with_an_exception_and_works_from_an_etc_hosts_in_the_image()
    {
        using var servers = new ServerSet(fixture, "resolve-chroot");
        string root = EmptyRoot(servers, Crypto().Executable);
        await servers.VerifyAsync(async () =>
        {
            string socket = await StartInRootAsync(servers, root).ConfigureAwait(false);
            Assert.StartsWith("SocketException ", await GetAsync(socket, "/resolve?host=db.internal").ConfigureAwait(false), StringComparison.Ordinal);
            Assert.Equal("192.0.2.7", await GetAsync(socket, "/resolve?host=192.0.2.7").ConfigureAwait(false));

            // Each lookup reads /etc/hosts afresh: no restart needed.
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            await File.WriteAllTextAsync(Path.Combine(root, "etc", "hosts"), "127.0.0.1 localhost\n192.0.2.9 db.internal\n").ConfigureAwait(false);
            Assert.Equal("192.0.2.9", await GetAsync(socket, "/resolve?host=db.internal").ConfigureAwait(false));
            Assert.Equal("127.0.0.1", await GetAsync(socket, "/resolve?host=localhost").ConfigureAwait(false));
        }).ConfigureAwait(false);
    }

    /// <summary>A directory holding only <paramref name="executable"/>, as /app, like a FROM scratch image.</summary>
    private static string EmptyRoot(ServerSet servers, string executable)
    {
        Assert.True(SampleFixture.IsRoot, "chroot needs root: run the end-to-end tests as root (CI does), or set FCGI_E2E_SKIP=1 outside CI");
        string root = servers.Path("root");
        Directory.CreateDirectory(root);
        File.Copy(executable, Path.Combine(root, "app"));
        Assert.Equal(["app"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName));
        return root;
    }

    private static async Task<string> StartInRootAsync(ServerSet servers, string root)
    {
        ChildProcess app = servers.Add(ChildProcess.Start(
            "chroot app", SampleFixture.FindProgram("chroot") ?? "/usr/sbin/chroot", [root, "/app", "--socket", "/s.sock"], clearEnvironment: true));
        string socket = Path.Combine(root, "s.sock");
        await ServerSet.WaitForUnixSocketAsync(socket, app).ConfigureAwait(false);
        return socket;
    }

    private static async Task<string> GetAsync(string socket, string uri)
    {
        CgiResponse response = await RawFcgiClient.GetAsync(socket, uri).ConfigureAwait(false);
        Assert.True(response.Status == 200, $"GET {uri} answered {response.Status}: {response.BodyText}");
        return response.BodyText;
    }
}
