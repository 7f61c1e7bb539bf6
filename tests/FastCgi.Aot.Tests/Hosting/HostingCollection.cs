namespace FastCgi.Aot.Tests.Hosting;

/// <summary>
/// Hosting tests run one at a time: they start servers that set process-wide runtime switches,
/// and two shared cores make parallel socket tests slow rather than fast.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostingCollection
{
    public const string Name = "Hosting";
}
