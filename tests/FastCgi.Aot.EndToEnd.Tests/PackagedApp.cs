using System;
using System.IO;
using System.Text.RegularExpressions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A small application outside the repository that references the FastCgi.Aot package from the
/// folder feed, the way a user's would: its project file is a package reference and PublishAot, and
/// whatever else a test adds.
/// </summary>
internal sealed partial class PackagedApp
{
    private PackagedApp(string name, string directory)
    {
        Name = name;
        Directory = directory;
    }

    public string Name { get; }

    /// <summary>The project's folder.</summary>
    public string Directory { get; }

    /// <summary>Writes the project: <paramref name="program"/> as Program.cs, and <paramref name="properties"/> in its PropertyGroup.</summary>
    public static PackagedApp Create(SampleFixture fixture, string name, string program, string properties = "")
    {
        PackageFeed feed = fixture.Feed;
        string directory = fixture.CreateDirectory("app-" + name.ToLowerInvariant());
        feed.WriteNuGetConfig(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <PublishAot>true</PublishAot>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FastCgi.Aot" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return new PackagedApp(name, directory);
    }

    /// <summary>
    /// Runs <c>dotnet publish -r <paramref name="runtimeIdentifier"/></c> as a user would and returns
    /// the executable, or the exit code and log when it failed.
    /// </summary>
    public PublishResult Publish(SampleFixture fixture, string runtimeIdentifier, params string[] extraArguments)
    {
        if (runtimeIdentifier == "linux-arm64")
        {
            fixture.RequireArm64Toolchain();
        }
        else
        {
            fixture.RequireNativeAotToolchain();
        }

        string output = fixture.CreateDirectory($"publish-{Name.ToLowerInvariant()}-{runtimeIdentifier}");
        (int exitCode, string log) = SampleFixture.RunDotnet(["publish", Directory, "-r", runtimeIdentifier, "-o", output, .. extraArguments], workingDirectory: Directory);
        return new PublishResult(exitCode, log, Path.Combine(output, Name), output);
    }

    /// <summary>Like <see cref="Publish"/>, but fails the test unless the publish succeeded without trim or AOT warnings.</summary>
    public string PublishExecutable(SampleFixture fixture, string runtimeIdentifier, params string[] extraArguments)
    {
        PublishResult result = Publish(fixture, runtimeIdentifier, extraArguments);
        Assert.True(result.ExitCode == 0, $"dotnet publish of {Name} for {runtimeIdentifier} failed with exit code {result.ExitCode}:\n{result.Log}");
        Assert.DoesNotMatch(TrimOrAotWarning(), result.Log);
        return result.Executable;
    }

    [GeneratedRegex(@"\bIL[23]\d{3}\b")]
    private static partial Regex TrimOrAotWarning();
}

/// <summary>The outcome of one <c>dotnet publish</c>.</summary>
internal sealed record PublishResult(int ExitCode, string Log, string Executable, string OutputDirectory);
