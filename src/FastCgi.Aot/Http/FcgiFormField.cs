using System;
using System.ComponentModel;

namespace FastCgi.Aot;

/// <summary>One <c>name=value</c> field of a query string or an <c>application/x-www-form-urlencoded</c> body, still encoded.</summary>
/// <remarks>Both spans view the input the enumerator was given; decode them with <see cref="FcgiBinding.Decode"/> (<see cref="FcgiValueEncoding.Query"/>).</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly ref struct FcgiFormField
{
    internal FcgiFormField(ReadOnlySpan<byte> encodedName, ReadOnlySpan<byte> encodedValue)
    {
        EncodedName = encodedName;
        EncodedValue = encodedValue;
    }

    /// <summary>The name as sent: percent-escapes and <c>+</c> not decoded.</summary>
    public ReadOnlySpan<byte> EncodedName { get; }

    /// <summary>The value as sent; empty for <c>a=</c> and for <c>a</c>.</summary>
    public ReadOnlySpan<byte> EncodedValue { get; }
}
