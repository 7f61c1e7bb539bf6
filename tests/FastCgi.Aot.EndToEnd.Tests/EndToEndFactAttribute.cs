using System;

// The tests drive the linux-x64 executable, Linux web servers and libc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// A fact of the end-to-end suite. These tests need Linux, root (or the packages already
/// installed) and a few seconds each; a developer without those can opt out with
/// <c>FCGI_E2E_SKIP=1</c>. Under <c>CI=true</c> the opt-out is ignored: CI never skips them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EndToEndFactAttribute : FactAttribute
{
    public EndToEndFactAttribute()
    {
        if (!Environment.IsCI && Environment.OptedOut)
        {
            Skip = "FCGI_E2E_SKIP=1 is set (ignored when CI=true)";
        }
        else if (!OperatingSystem.IsLinux())
        {
            Skip = "the end-to-end tests run the linux-x64 executable and need Linux";
        }
    }

    /// <summary>Reads the switches once.</summary>
    internal static class Environment
    {
        public static bool IsCI { get; } = string.Equals(System.Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

        public static bool OptedOut { get; } = System.Environment.GetEnvironmentVariable("FCGI_E2E_SKIP") == "1";
    }
}

/// <summary>Every end-to-end test shares one published executable and one package installation.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<SampleFixture>
{
    public const string Name = "End to end";
}
