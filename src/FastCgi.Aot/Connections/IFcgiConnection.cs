using System.Threading.Tasks;

namespace FastCgi.Aot.Connections;

/// <summary>What the host does with a connection regardless of its application type.</summary>
internal interface IFcgiConnection
{
    /// <summary>Closes idle or stalled connections and times out long requests.</summary>
    void CheckTimeouts(long now);

    /// <summary>Asks the connection to close once its active requests end.</summary>
    void BeginStop();

    /// <summary>Closes at once, aborting every active request.</summary>
    void Abort();

    /// <summary>Completes when the connection is closed.</summary>
    Task Completion { get; }
}
