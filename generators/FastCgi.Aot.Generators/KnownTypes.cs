namespace FastCgi.Aot.Generators;

/// <summary>Metadata names of the runtime's and the BCL's types the generator looks for.</summary>
internal static class KnownTypes
{
    public const string FcgiRouteAttribute = "FastCgi.Aot.FcgiRouteAttribute";
    public const string FcgiQueryAttribute = "FastCgi.Aot.FcgiQueryAttribute";
    public const string FcgiParamAttribute = "FastCgi.Aot.FcgiParamAttribute";
    public const string FcgiHeaderAttribute = "FastCgi.Aot.FcgiHeaderAttribute";
    public const string FcgiBodyAttribute = "FastCgi.Aot.FcgiBodyAttribute";
    public const string FcgiFormAttribute = "FastCgi.Aot.FcgiFormAttribute";
    public const string FcgiCookieAttribute = "FastCgi.Aot.FcgiCookieAttribute";
    public const string FcgiAuthorizerAttribute = "FastCgi.Aot.FcgiAuthorizerAttribute";
    public const string FcgiFilterAttribute = "FastCgi.Aot.FcgiFilterAttribute";
    public const string FcgiRouteGroupAttribute = "FastCgi.Aot.FcgiRouteGroupAttribute";
    public const string FcgiBeforeAttribute = "FastCgi.Aot.FcgiBeforeAttribute";
    public const string FcgiAfterAttribute = "FastCgi.Aot.FcgiAfterAttribute";
    public const string FcgiDataAttribute = "FastCgi.Aot.FcgiDataAttribute";
    public const string FcgiJsonContextAttribute = "FastCgi.Aot.FcgiJsonContextAttribute";
    public const string FcgiRequest = "FastCgi.Aot.FcgiRequest";
    public const string FcgiResponse = "FastCgi.Aot.FcgiResponse";
    public const string FcgiResult = "FastCgi.Aot.FcgiResult";
    public const string FcgiFile = "FastCgi.Aot.FcgiFile";
    public const string FcgiRequestSummary = "FastCgi.Aot.FcgiRequestSummary";
    public const string FcgiServer = "FastCgi.Aot.FcgiServer";
    public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
}
