using System;

namespace FastCgi.Aot.EndToEnd.Tests;

/// <summary>What the package's build targets make of a publish, and how they fail when the toolchain is missing.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ToolchainTests(SampleFixture fixture)
{
    [EndToEndFact]
    public void The_published_sample_is_a_static_stripped_x64_executable()
    {
        ElfFile elf = ElfFile.Read(fixture.Sample.Executable);
        Assert.Equal(ElfFile.MachineX64, elf.Machine);
        Assert.True(elf.IsStatic, "HelloFcgi is dynamically linked (it has a PT_INTERP or PT_DYNAMIC header)");
        Assert.False(elf.HasSymbolTable, "HelloFcgi still has its .symtab: it was not stripped");
    }

    /// <summary>A compiler that is not there stands for a machine without one: the build names what to install.</summary>
    [EndToEndFact]
    public void Without_a_c_toolchain_the_publish_fails_with_the_apt_get_line_that_installs_it()
    {
        PackagedApp app = PackagedApp.Create(fixture, "NoToolchainApp", """
            using FastCgi.Aot;

            return FcgiServer.Run(args);

            static class Api
            {
                [FcgiRoute("/hello")]
                public static string Hello() => "hello";
            }
            """);
        PublishResult result = app.Publish(fixture, "linux-x64", "-p:CppCompilerAndLinker=fcgi-e2e-no-such-compiler");
        Assert.True(result.ExitCode != 0, "the publish succeeded without a C compiler:\n" + result.Log);
        Assert.Contains("sudo apt-get install -y gcc libc6-dev", result.Log, StringComparison.Ordinal);
        Assert.Contains("FcgiStaticExecutable=false", result.Log, StringComparison.Ordinal);
    }
}
