namespace FastCgi.Aot.Generators;

/// <summary>The tracking names of the pipeline's steps, which the incrementality tests look for.</summary>
internal static class GeneratorSteps
{
    public const string Handlers = "Handlers";
    public const string Authorizers = "Authorizers";
    public const string Filters = "Filters";
    public const string RouteGroups = "RouteGroups";
    public const string BeforeHooks = "BeforeHooks";
    public const string AfterHooks = "AfterHooks";
    public const string JsonContext = "JsonContext";
    public const string ServerRegistration = "ServerRegistration";
    public const string Resolution = "Resolution";
    public const string Application = "Application";
    public const string Diagnostics = "Diagnostics";
}
