using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// Shared by every end-to-end test: publishes samples/HelloFcgi once (on first use) and installs the
/// real FastCGI clients and the C toolchain NativeAOT links with once, in a single apt-get call,
/// when any is missing.
/// </summary>
public sealed partial class SampleFixture : IDisposable
{
    /// <summary>
    /// What a NativeAOT publish needs besides the SDK: the ILCompiler links with the system C
    /// compiler (clang when present, else gcc), and a static executable with libc's static archives.
    /// Declared before <see cref="Components"/>, whose initializer reads it (and the next list).
    /// </summary>
    private static readonly (string Package, string Provides)[] NativeAotToolchain =
    [
        ("gcc", "gcc"),
        ("libc6-dev", "/usr/include/stdio.h"),
        // An application that reaches OpenSSL gets it linked statically: the package's build
        // targets build the runtime's OpenSSL shim with cmake and link libssl.a (docs/deployment.md).
        ("libssl-dev", "/usr/include/openssl/ssl.h"),
        ("cmake", "cmake"),
        ("make", "make"),
    ];

    /// <summary>
    /// What `dotnet publish -r linux-arm64` needs on this x64 machine (the cross toolchain the
    /// package's build targets name when it is missing), and qemu-user, which runs the result.
    /// Once clang is installed every NativeAOT publish links with it, so the x64 publishes of the
    /// suite run with clang too, as they do on a developer's machine that has it.
    /// </summary>
    private static readonly (string Package, string Provides)[] Arm64Toolchain =
    [
        ("clang", "clang"),
        ("binutils-aarch64-linux-gnu", "aarch64-linux-gnu-objcopy"),
        ("libc6-dev-arm64-cross", "/usr/aarch64-linux-gnu/lib/libc.a"),
        ("libgcc-12-dev-arm64-cross", "/usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc.a"),
        ("qemu-user", "qemu-aarch64"),
    ];

    /// <summary>The static SQLite library samples/Notes links (Notes.csproj names the same path).</summary>
    internal const string NotesSqliteLibrary = "/usr/lib/x86_64-linux-gnu/libsqlite3.a";

    /// <summary>
    /// The packages the tests need, and what shows each one is there: a program on PATH, or a
    /// file when the name is an absolute path.
    /// </summary>
    private static readonly (string Package, string Provides)[] Components =
    [
        ("nginx", "nginx"),
        ("apache2", "apache2"),
        ("lighttpd", "lighttpd"),
        ("libfcgi-bin", "cgi-fcgi"),
        ("spawn-fcgi", "spawn-fcgi"),
        ("haproxy", "haproxy"),
        ("curl", "curl"),
        // samples/Notes links SQLite's static library into its executable (NotesTests).
        ("libsqlite3-dev", NotesSqliteLibrary),
        .. NativeAotToolchain,
        .. Arm64Toolchain,
    ];

    private readonly Lazy<PublishedSample> _sample;
    private readonly Lazy<string?> _installProblem;
    private readonly Lazy<PackageFeed> _feed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<PublishResult>> _published = new();
    private readonly List<string> _directories = [];

    public SampleFixture()
    {
        _sample = new Lazy<PublishedSample>(Publish);
        _installProblem = new Lazy<string?>(InstallMissingComponents);
        _feed = new Lazy<PackageFeed>(() => PackageFeed.Create(this));
    }

    public static bool IsRoot => Native.geteuid() == 0;

    /// <summary>The published sample; the first access publishes it.</summary>
    internal PublishedSample Sample => _sample.Value;

    /// <summary>The folder feed with the FastCgi.Aot package packed from this tree; the first access packs it.</summary>
    internal PackageFeed Feed => _feed.Value;

    /// <summary>The full path of a component's program, installing the components first if needed.</summary>
    internal string Program(string program)
    {
        string? problem = _installProblem.Value;
        string? path = FindProgram(program);
        if (path is null)
        {
            (string package, _) = Components.Single(c => c.Provides == program);
            throw new InvalidOperationException(
                $"'{program}' (Debian package {package}) is not installed. {problem ?? "It was not found after installing."}");
        }

        return path;
    }

    /// <summary>
    /// Installs the components first if needed, and fails unless a NativeAOT publish can link:
    /// call it before every `dotnet publish` of a NativeAOT app.
    /// </summary>
    internal void RequireNativeAotToolchain()
    {
        string? problem = _installProblem.Value;
        string[] missing = NativeAotToolchain.Where(c => !IsInstalled(c.Package, c.Provides)).Select(c => c.Package).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"A NativeAOT publish links with {string.Join(" and ", NativeAotToolchain.Select(c => c.Package))}; " +
                $"not installed: {string.Join(' ', missing)}. {problem ?? "It was not found after installing."}");
        }
    }

    /// <summary>
    /// The result of <paramref name="publish"/>, run once per test run for <paramref name="key"/>: the
    /// tests of one published application share it, as they share the sample.
    /// </summary>
    internal PublishResult PublishOnce(string key, Func<PublishResult> publish) =>
        _published.GetOrAdd(key, _ => new Lazy<PublishResult>(publish)).Value;

    /// <summary>
    /// Installs the components first if needed, and fails unless a linux-arm64 publish can link and
    /// its result can run under qemu-aarch64.
    /// </summary>
    internal void RequireArm64Toolchain()
    {
        RequireNativeAotToolchain();
        string[] missing = Arm64Toolchain.Where(c => !IsInstalled(c.Package, c.Provides)).Select(c => c.Package).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"A linux-arm64 publish and run need {string.Join(' ', Arm64Toolchain.Select(c => c.Package))}; " +
                $"not installed: {string.Join(' ', missing)}. {_installProblem.Value ?? "It was not found after installing."}");
        }
    }

    /// <summary>A new empty directory, removed when the fixture is disposed.</summary>
    internal string CreateDirectory(string prefix)
    {
        string path = Directory.CreateTempSubdirectory("fcgi-e2e-" + prefix + "-").FullName;
        lock (_directories)
        {
            _directories.Add(path);
        }

        return path;
    }

    public void Dispose()
    {
        if (_feed.IsValueCreated)
        {
            _feed.Value.Dispose();
        }

        lock (_directories)
        {
            foreach (string directory in _directories)
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }

    internal static string? FindProgram(string name)
    {
        IEnumerable<string> directories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FastCgi.Aot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no FastCgi.Aot.sln above {AppContext.BaseDirectory}");
    }

    private PublishedSample Publish()
    {
        RequireNativeAotToolchain();
        string root = RepositoryRoot();
        string output = CreateDirectory("publish");
        (int exitCode, string log) = RunDotnet(["publish", Path.Combine(root, "samples", "HelloFcgi"), "-r", "linux-x64", "-o", output], workingDirectory: null);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish samples/HelloFcgi failed with exit code {exitCode}:\n{log}");
        }

        string[] files = Directory.GetFileSystemEntries(output, "*", SearchOption.AllDirectories);
        string[] warnings = TrimOrAotWarning().Matches(log).Select(m => m.Value).Distinct().ToArray();
        return new PublishedSample(Path.Combine(output, "HelloFcgi"), files, warnings, log);
    }

    /// <summary>Runs the .NET CLI as a user would, outside the test host's MSBuild and VSTest settings.</summary>
    /// <param name="arguments">The command and its arguments.</param>
    /// <param name="workingDirectory">Where it runs; null for the test's own.</param>
    /// <param name="builds">False for a command that runs no MSBuild (dotnet new), which takes no build-server switches.</param>
    /// <returns>The exit code and everything it printed.</returns>
    internal static (int ExitCode, string Log) RunDotnet(IEnumerable<string> arguments, string? workingDirectory, bool builds = true)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : FindProgram("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");

        // The test host runs under `dotnet test`, whose MSBuild variables would steer a nested build.
        var environment = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string key = (string)entry.Key;
            if (!key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) && !key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment[key] = (string?)entry.Value ?? "";
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";

        // --disable-build-servers: no MSBuild node or compiler server outlives the test run.
        (int exitCode, byte[] stdout, string stderr) = ChildProcess.RunAsync(
            dotnet,
            builds ? [.. arguments, "--disable-build-servers", "-nologo"] : [.. arguments],
            environment,
            clearEnvironment: true,
            ReadOnlyMemory<byte>.Empty,
            TimeSpan.FromMinutes(8),
            workingDirectory).GetAwaiter().GetResult();
        return (exitCode, Encoding.UTF8.GetString(stdout) + stderr);
    }

    /// <summary>Installs, in one apt-get call, the packages that dpkg does not know as installed.</summary>
    /// <returns>Null when all are present, otherwise why some could not be installed.</returns>
    private static string? InstallMissingComponents()
    {
        string[] missing = Components.Where(c => !IsInstalled(c.Package, c.Provides)).Select(c => c.Package).ToArray();
        if (missing.Length == 0)
        {
            return null;
        }

        string packages = string.Join(' ', missing);
        if (!IsRoot)
        {
            return $"This process is not root, so the tests cannot install it: run `sudo apt-get install -y {packages}` " +
                   "(or set FCGI_E2E_SKIP=1 to skip the end-to-end tests outside CI).";
        }

        string? aptGet = FindProgram("apt-get");
        if (aptGet is null)
        {
            return $"apt-get is not available to install {packages}.";
        }

        // Debian starts a service when its package is installed (apache2 and lighttpd would both
        // bind port 80 on every address). policy-rc.d answering 101 forbids that, as in containers.
        const string policy = "/usr/sbin/policy-rc.d";
        bool ownPolicy = !File.Exists(policy);
        if (ownPolicy)
        {
            File.WriteAllText(policy, "#!/bin/sh\n# Written by the FastCgi.Aot end-to-end tests while they install packages.\nexit 101\n");
            File.SetUnixFileMode(policy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        try
        {
            var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            var log = new StringBuilder();
            foreach (string[] arguments in new[] { new[] { "update" }, ["install", "-y", "--no-install-recommends", .. missing] })
            {
                (int exitCode, byte[] stdout, string stderr) = ChildProcess.RunAsync(
                    aptGet, arguments, environment, clearEnvironment: false, ReadOnlyMemory<byte>.Empty, TimeSpan.FromMinutes(6)).GetAwaiter().GetResult();
                log.Append("$ apt-get ").AppendJoin(' ', arguments).Append('\n').Append(Encoding.UTF8.GetString(stdout)).Append(stderr);
                if (exitCode != 0)
                {
                    return $"`apt-get {string.Join(' ', arguments)}` failed with exit code {exitCode}:\n{log}";
                }
            }

            string[] stillMissing = Components.Where(c => !IsInstalled(c.Package, c.Provides)).Select(c => c.Package).ToArray();
            return stillMissing.Length == 0 ? null : $"apt-get install did not install {string.Join(' ', stillMissing)}:\n{log}";
        }
        finally
        {
            if (ownPolicy)
            {
                File.Delete(policy);
            }
        }
    }

    private static bool IsInstalled(string package, string provides)
    {
        bool found = Path.IsPathRooted(provides) ? File.Exists(provides) : FindProgram(provides) is not null;
        if (FindProgram("dpkg-query") is not { } dpkgQuery)
        {
            return found;
        }

        // `dpkg -s` succeeds for a package that is removed but not purged; ask for its status.
        (int exitCode, byte[] stdout, _) = ChildProcess.RunAsync(
            dpkgQuery, ["-W", "-f=${db:Status-Status}", package], null, clearEnvironment: false, ReadOnlyMemory<byte>.Empty, TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
        return exitCode == 0 && Encoding.ASCII.GetString(stdout).Trim() == "installed" && found;
    }

    [GeneratedRegex(@"\bIL[23]\d{3}\b")]
    private static partial Regex TrimOrAotWarning();
}

/// <summary>The published sample: the executable, every file the publish wrote, and its log.</summary>
internal sealed record PublishedSample(string Executable, string[] Files, string[] TrimOrAotWarnings, string PublishLog);
