using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace FastCgi.Aot.Generators;

/// <summary>
/// A diagnostic as an equatable value: the descriptor, where, and the message arguments. It rides
/// beside the model and becomes a <see cref="Diagnostic"/> only when reported.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, ImmutableEquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        new(descriptor, LocationInfo.From(location), arguments.ToImmutableEquatableArray());

    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(compilation), Arguments.Cast<object?>().ToArray());

    public bool Equals(DiagnosticInfo? other) =>
        other is not null &&
        Descriptor.Id == other.Descriptor.Id &&
        Equals(Location, other.Location) &&
        Arguments.Equals(other.Arguments);

    public override int GetHashCode() =>
        unchecked((StringComparer.Ordinal.GetHashCode(Descriptor.Id) * 31) + Arguments.GetHashCode());
}
