using System;

namespace FastCgi.Aot;

/// <summary>One CGI parameter of a request: a name and a value, as views over the request's buffer.</summary>
public readonly ref struct FcgiParam
{
    /// <summary>Creates a parameter view.</summary>
    public FcgiParam(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The parameter's name, for example <c>REQUEST_METHOD</c> or <c>HTTP_USER_AGENT</c>.</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>The parameter's value; binary-safe, with no trailing NUL.</summary>
    public ReadOnlySpan<byte> Value { get; }
}
