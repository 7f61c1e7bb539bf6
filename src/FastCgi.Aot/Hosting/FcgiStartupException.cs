using System;

namespace FastCgi.Aot.Hosting;

/// <summary>The server cannot start: a bad flag, or a listen address that is taken or unusable.</summary>
public sealed class FcgiStartupException : Exception
{
    /// <summary>Creates the exception with the process exit code it calls for.</summary>
    public FcgiStartupException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>Creates the exception with exit code 1.</summary>
    public FcgiStartupException()
        : this("The server cannot start.", 1)
    {
    }

    /// <summary>Creates the exception with exit code 1.</summary>
    public FcgiStartupException(string message)
        : this(message, 1)
    {
    }

    /// <summary>Creates the exception with exit code 1 and an inner exception.</summary>
    public FcgiStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = 1;
    }

    /// <summary>The exit code: 2 for a usage error, 1 for anything else.</summary>
    public int ExitCode { get; }
}
