using System;
using System.Globalization;
using System.IO;
using Xunit.Abstractions;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>
/// The size of what users ship, so that growth is noticed: a hello-only application from the
/// package, and the sample. The budgets are issue 11's; docs/performance.md says what costs the
/// bytes. Sizes are deterministic for a given toolchain, unlike timings, so they are asserted.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class FootprintTests(SampleFixture fixture, ITestOutputHelper output)
{
    private const long HelloBudget = 3 * 1024 * 1024;
    private const long SampleBudget = 3 * 1024 * 1024 + (768 * 1024);

    [EndToEndFact]
    public void A_hello_only_app_from_the_package_is_at_most_3_MiB_and_links_neither_json_nor_openssl()
    {
        PackagedApp app = PackagedApp.Create(fixture, "HelloOnly", """
            using FastCgi.Aot;

            return FcgiServer.Run(args);

            static class Api
            {
                [FcgiRoute("/hello")]
                public static string Hello() => "Hello, World!";
            }
            """);

        // The compiler's map lists every node it emitted, by name.
        string executable = app.PublishExecutable(fixture, "linux-x64", "-p:IlcGenerateMapFile=true");
        ElfFile elf = ElfFile.Read(executable);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hello-only: {elf.Size} bytes ({elf.Size / 1048576.0:0.000} MiB), budget {HelloBudget}"));
        Assert.True(elf.IsStatic, "the hello-only app is dynamically linked");
        Assert.True(elf.Size <= HelloBudget, $"the hello-only app is {elf.Size} bytes, over its budget of {HelloBudget} (3 MiB): see docs/performance.md");

        string map = File.ReadAllText(Path.Combine(app.Directory, "obj", "Release", "net10.0", "linux-x64", "native", "HelloOnly.map.xml"));
        Assert.DoesNotContain("System_Text_Json_", map, StringComparison.Ordinal);
        Assert.DoesNotContain("CryptoNative_", map, StringComparison.Ordinal);
    }

    [EndToEndFact]
    public void The_sample_is_at_most_3_75_MiB()
    {
        long size = new FileInfo(fixture.Sample.Executable).Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"HelloFcgi: {size} bytes ({size / 1048576.0:0.000} MiB), budget {SampleBudget}"));
        Assert.True(size <= SampleBudget, $"HelloFcgi is {size} bytes, over its budget of {SampleBudget} (3.75 MiB): see docs/performance.md");
    }
}
