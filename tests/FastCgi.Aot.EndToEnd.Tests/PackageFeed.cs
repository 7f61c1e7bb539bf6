using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A folder feed holding the FastCgi.Aot package packed from this working tree, as a user would add
/// one. The version is one no earlier run restored, so the global packages folder cannot serve a
/// stale copy; <see cref="Dispose"/> removes what this run restored there.
/// </summary>
internal sealed class PackageFeed : IDisposable
{
    private readonly List<string> _packageIds = [];

    private PackageFeed(string directory, string version)
    {
        Directory = directory;
        Version = version;
    }

    /// <summary>The feed folder.</summary>
    public string Directory { get; }

    /// <summary>The version every package in the feed has.</summary>
    public string Version { get; }

    /// <summary>Packs FastCgi.Aot (Release) into a new folder feed.</summary>
    public static PackageFeed Create(SampleFixture fixture)
    {
        string version = "0.0.1-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var feed = new PackageFeed(fixture.CreateDirectory("feed"), version);
        feed.Pack(Path.Combine(SampleFixture.RepositoryRoot(), "src", "FastCgi.Aot", "FastCgi.Aot.csproj"), "FastCgi.Aot");
        return feed;
    }

    /// <summary>Packs one more project of this repository into the feed, at <see cref="Version"/>.</summary>
    public void Pack(string project, string packageId)
    {
        (int exitCode, string log) = SampleFixture.RunDotnet(["pack", project, "-c", "Release", "-o", Directory, $"-p:Version={Version}"], workingDirectory: null);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack {project} failed with exit code {exitCode}:\n{log}");
        }

        lock (_packageIds)
        {
            _packageIds.Add(packageId);
        }
    }

    /// <summary>A nuget.config that adds this feed to the sources a user already has.</summary>
    public void WriteNuGetConfig(string directory) =>
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="fastcgi-aot-e2e-feed" value="{Directory}" />
              </packageSources>
            </configuration>
            """);

    public void Dispose()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        lock (_packageIds)
        {
            foreach (string id in _packageIds)
            {
                string restored = Path.Combine(packages, id.ToLowerInvariant(), Version);
                if (System.IO.Directory.Exists(restored))
                {
                    System.IO.Directory.Delete(restored, recursive: true);
                }
            }
        }
    }
}
