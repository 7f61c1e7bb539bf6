using System;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Generates, compiles and loads resources/SampleApp.cs once for the behavioural tests.</summary>
public sealed class SampleAppFixture
{
    private readonly Lazy<InMemoryServer> _server = new(static () =>
        new InMemoryServer(GeneratorRunner.Run(GeneratorRunner.Resource("SampleApp.cs")).AssertCleanBuild().Load()));

    internal InMemoryServer Server => _server.Value;
}
