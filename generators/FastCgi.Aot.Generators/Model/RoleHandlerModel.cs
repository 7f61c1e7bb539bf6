namespace FastCgi.Aot.Generators.Model;

/// <summary>
/// The handler of a role other than Responder: an <c>[FcgiAuthorizer]</c> or <c>[FcgiFilter]</c>
/// method with its binders. It has no template, so no parameter comes from the path.
/// </summary>
/// <remarks>Must stay value-equatable (strings, enums, equatable arrays), so that an unchanged handler is cached.</remarks>
/// <param name="Signature">The method with its parameter types, which orders role handlers independently of file order.</param>
internal sealed record RoleHandlerModel(
    HandlerRole Role,
    string ContainingType,
    string MethodName,
    string DisplayName,
    string Signature,
    ImmutableEquatableArray<ParameterModel> Parameters,
    ResultModel Result);
