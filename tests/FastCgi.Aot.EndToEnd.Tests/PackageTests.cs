using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>How users consume the project: the FastCgi.Aot package, generator inside, from a feed.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PackageTests(SampleFixture fixture)
{
    private const string AppProgram = """
        using FastCgi.Aot;

        return FcgiServer.Run(args);

        static class Api
        {
            [FcgiRoute("/ping")]
            public static string Ping() => "pong from a package";

            [FcgiRoute("/double")]
            public static int Double(int x) => 2 * x;
        }
        """;

    [EndToEndFact]
    public async Task AnAppOutsideTheSolutionReferencingThePackagePublishesAsNativeAotAndServes()
    {
        string root = SampleFixture.RepositoryRoot();
        string feed = fixture.CreateDirectory("feed");
        string app = fixture.CreateDirectory("package-app");
        string output = fixture.CreateDirectory("package-publish");

        // A version no earlier run restored, so the global packages folder cannot serve a stale copy.
        string version = "0.0.1-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        (int packExit, string packLog) = SampleFixture.RunDotnet(
            ["pack", Path.Combine(root, "src", "FastCgi.Aot", "FastCgi.Aot.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}"], workingDirectory: null);
        Assert.True(packExit == 0, "dotnet pack failed:\n" + packLog);

        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackagedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net9.0</TargetFramework>
                <Nullable>enable</Nullable>
                <PublishAot>true</PublishAot>
                <StaticExecutable>true</StaticExecutable>
                <PositionIndependentExecutable>false</PositionIndependentExecutable>
                <InvariantGlobalization>true</InvariantGlobalization>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FastCgi.Aot" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), AppProgram);

        string restored = Path.Combine(
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "fastcgi.aot",
            version);
        try
        {
            fixture.RequireNativeAotToolchain();
            (int publishExit, string publishLog) = SampleFixture.RunDotnet(["publish", app, "-r", "linux-x64", "-o", output], workingDirectory: app);
            Assert.True(publishExit == 0, "dotnet publish of the packaged app failed:\n" + publishLog);
            Assert.DoesNotMatch(@"\bIL[23]\d{3}\b", publishLog);

            string executable = Path.Combine(output, "PackagedApp");
            using var servers = new ServerSet(fixture, "package-run");
            string socket = servers.Path("app.sock");
            ChildProcess process = servers.Add(ChildProcess.Start("PackagedApp", executable, ["--socket", socket]));

            CgiResponse ping = await PublishedExecutableTests.FirstAnswerAsync(socket, process, "/ping");
            Assert.True(ping.Status == 200, servers.Logs());
            Assert.Equal("pong from a package", ping.BodyText);

            CgiResponse doubled = await RawFcgiClient.GetAsync(socket, "/double?x=21");
            Assert.Equal(200, doubled.Status);
            Assert.Equal("42", doubled.BodyText);

            CgiResponse missing = await RawFcgiClient.GetAsync(socket, "/double");
            Assert.Equal(400, missing.Status);
        }
        finally
        {
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }
        }
    }
}
