using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>
/// Tests that change process-wide state, FcgiServer's registered application and the standard writers:
/// they run alone, after the parallel tests, so that no other test sees or changes that state meanwhile.
/// </summary>
[CollectionDefinition(nameof(ServerRegistrationTests), DisableParallelization = true)]
public sealed class ServerRegistrationCollection;

/// <summary>The generated module initializer registers the application with <see cref="FcgiServer"/>.</summary>
[Collection(nameof(ServerRegistrationTests))]
public sealed class ServerRegistrationTests
{
    [Fact]
    public void AModuleInitializerRegistersTheApplicationWithTheServer()
    {
        Assembly assembly = GeneratorRunner.Run(GeneratorRunner.Resource("MinimalApp.cs")).AssertCleanBuild().Load();
        MethodInfo register = assembly.GetType("FastCgi.Aot.Generated.FcgiApplication", throwOnError: true)!
            .GetMethod("Register", BindingFlags.Static | BindingFlags.NonPublic)!;
        Assert.NotNull(register.GetCustomAttributes(typeof(ModuleInitializerAttribute), inherit: false).SingleOrDefault());

        // The registration is process-wide, and any generated assembly another test loaded (the
        // sample, HelloFcgi) has set it already: clear it, so that only this assembly's can pass.
        FieldInfo registered = typeof(FcgiServer).GetField("s_run", BindingFlags.Static | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("FcgiServer.s_run, where RegisterApplication stores the application, is gone; update this test.");
        object? previous = registered.GetValue(null);
        TextWriter previousOut = Internal.StandardStreams.Output;
        TextWriter previousError = Internal.StandardStreams.Error;
        var output = new StringWriter();
        var error = new StringWriter();
        try
        {
            registered.SetValue(null, null);
            Internal.StandardStreams.Output = output;
            Internal.StandardStreams.Error = error;

            // Unregistered, Run finds no application.
            Assert.Equal(1, FcgiServer.Run(["--help"]));
            Assert.Contains("no application", error.ToString(), StringComparison.Ordinal);

            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            Assert.NotNull(registered.GetValue(null));

            // Registered, Run finds an application and, asked for help, prints usage and exits 0.
            Assert.Equal(0, FcgiServer.Run(["--help"]));
            Assert.NotEmpty(output.ToString());
        }
        finally
        {
            Internal.StandardStreams.Output = previousOut;
            Internal.StandardStreams.Error = previousError;
            registered.SetValue(null, previous);
        }
    }
}
