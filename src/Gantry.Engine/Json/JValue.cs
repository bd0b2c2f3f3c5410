using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gantry.Engine.Json;

/// <summary>The kind of a <see cref="JValue"/>, named after Python's json types.</summary>
public enum JKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
    Array,
    Object,
}

/// <summary>
/// An immutable JSON value with the semantics of Python's <c>json</c> module, which is what ComfyUI
/// reads and writes: integers are unbounded (seeds up to 2^64−1 and beyond), a number with a
/// fraction or exponent is a float, and the float literals <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> are values. Immutable, so one value may be read from many threads at once.
/// </summary>
/// <remarks>
/// Parse with <see cref="JParser"/>; write with <see cref="ToJsonString"/>, <see cref="ToJsonBytes"/>
/// or <see cref="WriteTo(Utf8JsonWriter)"/> (which keeps NaN/Infinity as bare literals, like Python).
/// System.Text.Json serializes these types through <see cref="JValueJsonConverterFactory"/>.
/// <see cref="Equals(JValue)"/> is structural and strict (1 and 1.0 differ); Python's looser
/// equality lives in <see cref="PyOps"/>.
/// </remarks>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public abstract class JValue : IEquatable<JValue>
{
    private protected JValue()
    {
    }

    public abstract JKind Kind { get; }

    /// <summary>JSON null (Python None).</summary>
    public static JValue Null => JNull.Instance;

    public static JValue From(string? value) => value is null ? JNull.Instance : new JString(value);

    public static JValue From(long value) => new JInt(value);

    public static JValue From(BigInteger value) => new JInt(value);

    public static JValue From(double value) => new JFloat(value);

    public static JValue From(bool value) => value ? JBool.True : JBool.False;

    public static implicit operator JValue(string value) => From(value);

    public static implicit operator JValue(long value) => From(value);

    public static implicit operator JValue(double value) => From(value);

    public static implicit operator JValue(bool value) => From(value);

    /// <summary>The string when this is a JSON string, else null.</summary>
    public string? AsString => (this as JString)?.Value;

    /// <summary>Compact JSON text (NaN/Infinity as bare literals, floats as Python prints them).</summary>
    public string ToJsonString() => JWriter.ToJsonString(this);

    /// <summary>Compact JSON as UTF-8 bytes.</summary>
    public byte[] ToJsonBytes() => JWriter.ToJsonBytes(this);

    /// <summary>Writes this value into a System.Text.Json writer, keeping NaN/Infinity as Python emits them.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(ToJsonBytes(), skipInputValidation: true);
    }

    public abstract bool Equals(JValue? other);

    public sealed override bool Equals(object? obj) => obj is JValue other && Equals(other);

    public abstract override int GetHashCode();

    public override string ToString() => ToJsonString();
}

/// <summary>JSON null.</summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JNull : JValue
{
    private JNull()
    {
    }

    public static JNull Instance { get; } = new();

    public override JKind Kind => JKind.Null;

    public override bool Equals(JValue? other) => other is JNull;

    public override int GetHashCode() => 0x5eed;
}

/// <summary>JSON true / false.</summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JBool : JValue
{
    private JBool(bool value) => Value = value;

    public static JBool True { get; } = new(true);

    public static JBool False { get; } = new(false);

    public bool Value { get; }

    public override JKind Kind => JKind.Bool;

    public override bool Equals(JValue? other) => other is JBool b && b.Value == Value;

    public override int GetHashCode() => Value ? 1 : 2;
}

/// <summary>A JSON integer (a number without fraction or exponent), unbounded like Python's int.</summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JInt : JValue
{
    public JInt(BigInteger value) => Value = value;

    public JInt(long value) => Value = value;

    public BigInteger Value { get; }

    public override JKind Kind => JKind.Int;

    /// <summary>True when the value fits a 64-bit signed integer.</summary>
    public bool FitsInt64 => Value >= long.MinValue && Value <= long.MaxValue;

    public override bool Equals(JValue? other) => other is JInt i && i.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();
}

/// <summary>A JSON float: any number with a fraction or exponent, or NaN/Infinity/-Infinity.</summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JFloat : JValue
{
    public JFloat(double value) => Value = value;

    public double Value { get; }

    public override JKind Kind => JKind.Float;

    public override bool Equals(JValue? other) => other is JFloat f && f.Value.Equals(Value);

    public override int GetHashCode() => Value.GetHashCode();
}

/// <summary>A JSON string.</summary>
[JsonConverter(typeof(JValueJsonConverterFactory))]
public sealed class JString : JValue
{
    public JString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    public string Value { get; }

    public override JKind Kind => JKind.String;

    public override bool Equals(JValue? other) => other is JString s && string.Equals(s.Value, Value, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}
