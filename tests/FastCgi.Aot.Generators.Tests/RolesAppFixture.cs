using System;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>Generates, compiles and loads resources/RolesApp.cs once for the role tests.</summary>
public sealed class RolesAppFixture
{
    private readonly Lazy<InMemoryServer> _server = new(static () =>
        new InMemoryServer(GeneratorRunner.Run(GeneratorRunner.Resource("RolesApp.cs")).AssertCleanBuild().Load()));

    internal InMemoryServer Server => _server.Value;
}
