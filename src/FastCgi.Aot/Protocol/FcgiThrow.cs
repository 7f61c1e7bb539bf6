using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace FastCgi.Aot.Protocol;

/// <summary>Throw helpers kept out of line so the hot paths that call them stay small.</summary>
internal static class FcgiThrow
{
    [DoesNotReturn]
    [StackTraceHidden]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void DestinationTooSmall(string paramName) =>
        throw new ArgumentException("The destination buffer is too small.", paramName);

    [DoesNotReturn]
    [StackTraceHidden]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ContentTooLong(string paramName) =>
        throw new ArgumentOutOfRangeException(paramName, "A record carries at most 65,535 content bytes.");
}
