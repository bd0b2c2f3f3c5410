using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Gantry.Tests.Architecture;

/// <summary>
/// Which types each type of a built assembly uses, read from its metadata (System.Reflection.Metadata):
/// base types, interfaces, generic constraints, attributes, field/method/property/event signatures,
/// locals, and every type, method and field token in the method bodies. Compiler-generated nested types
/// (closures, async state machines) count for the type that declares them. Read from the built file, so
/// the test sees exactly what the compiler produced (no reflection loading, no third-party scanner).
/// </summary>
internal sealed class TypeDependencies
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _md;
    private readonly PEReader _pe;
    private readonly Collector _collector = new();

    private TypeDependencies(PEReader pe)
    {
        _pe = pe;
        _md = pe.GetMetadataReader();
    }

    /// <summary>Full name of each type defined in the assembly (outermost type) → full names of the types it uses.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Read(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        return new TypeDependencies(pe).ReadAll();
    }

    private Dictionary<string, IReadOnlySet<string>> ReadAll()
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var handle in _md.TypeDefinitions)
        {
            var owner = OutermostName(handle);
            if (!result.TryGetValue(owner, out var used))
            {
                result[owner] = used = new HashSet<string>(StringComparer.Ordinal);
            }
            _collector.Target = used;
            VisitType(handle);
        }
        return result.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.Ordinal);
    }

    private void VisitType(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        Entity(type.BaseType);
        foreach (var i in type.GetInterfaceImplementations())
        {
            Entity(_md.GetInterfaceImplementation(i).Interface);
        }
        GenericParameters(type.GetGenericParameters());
        Attributes(type.GetCustomAttributes());
        foreach (var f in type.GetFields())
        {
            var field = _md.GetFieldDefinition(f);
            field.DecodeSignature(_collector, null);
            Attributes(field.GetCustomAttributes());
        }
        foreach (var p in type.GetProperties())
        {
            var property = _md.GetPropertyDefinition(p);
            property.DecodeSignature(_collector, null);
            Attributes(property.GetCustomAttributes());
        }
        foreach (var e in type.GetEvents())
        {
            Entity(_md.GetEventDefinition(e).Type);
        }
        foreach (var m in type.GetMethods())
        {
            Method(_md.GetMethodDefinition(m));
        }
    }

    private void Method(MethodDefinition method)
    {
        method.DecodeSignature(_collector, null);
        GenericParameters(method.GetGenericParameters());
        Attributes(method.GetCustomAttributes());
        foreach (var p in method.GetParameters())
        {
            Attributes(_md.GetParameter(p).GetCustomAttributes());
        }
        if (method.RelativeVirtualAddress == 0)
        {
            return;
        }
        var body = _pe.GetMethodBody(method.RelativeVirtualAddress);
        if (!body.LocalSignature.IsNil)
        {
            _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_collector, null);
        }
        Il(body.GetILReader());
    }

    private void Il(BlobReader il)
    {
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }
            switch (OperandTypes[code])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32(); // read before the offset: `il.Offset += 4 * il.ReadInt32()` would read the old offset first
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }
    }

    private void GenericParameters(GenericParameterHandleCollection parameters)
    {
        foreach (var g in parameters)
        {
            foreach (var c in _md.GetGenericParameter(g).GetConstraints())
            {
                Entity(_md.GetGenericParameterConstraint(c).Type);
            }
        }
    }

    private void Attributes(CustomAttributeHandleCollection attributes)
    {
        foreach (var a in attributes)
        {
            Entity(_md.GetCustomAttribute(a).Constructor);
        }
    }

    private void Entity(EntityHandle handle)
    {
        if (handle.IsNil)
        {
            return;
        }
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
            case HandleKind.TypeReference:
                _collector.Target.Add(TypeName(handle));
                break;
            case HandleKind.TypeSpecification:
                _md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_collector, null);
                break;
            case HandleKind.MethodDefinition:
                Entity(_md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.FieldDefinition:
                Entity(_md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                break;
            case HandleKind.MemberReference:
                var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                Entity(member.Parent);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(_collector, null);
                }
                else
                {
                    member.DecodeFieldSignature(_collector, null);
                }
                break;
            case HandleKind.MethodSpecification:
                var spec = _md.GetMethodSpecification((MethodSpecificationHandle)handle);
                Entity(spec.Method);
                spec.DecodeSignature(_collector, null);
                break;
        }
    }

    private string OutermostName(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            handle = type.GetDeclaringType();
            type = _md.GetTypeDefinition(handle);
        }
        return Join(_md.GetString(type.Namespace), _md.GetString(type.Name));
    }

    /// <summary>The outermost type's full name: a nested type counts as the type that declares it.</summary>
    private string TypeName(EntityHandle handle)
    {
        if (handle.Kind == HandleKind.TypeDefinition)
        {
            return OutermostName((TypeDefinitionHandle)handle);
        }
        var reference = _md.GetTypeReference((TypeReferenceHandle)handle);
        while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            reference = _md.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
        }
        return Join(_md.GetString(reference.Namespace), _md.GetString(reference.Name));
    }

    private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    /// <summary>Decodes signatures; every named type it meets is added to <see cref="Target"/>.</summary>
    private sealed class Collector : ISignatureTypeProvider<string, object?>
    {
        public HashSet<string> Target { get; set; } = [];

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Add(Name(reader, handle));

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Add(Name(reader, handle));

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;

        public string GetArrayType(string elementType, ArrayShape shape) => elementType;

        public string GetSZArrayType(string elementType) => elementType;

        public string GetByReferenceType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        private string Add(string name)
        {
            Target.Add(name);
            return name;
        }

        private static string Name(MetadataReader reader, TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.IsNested)
            {
                type = reader.GetTypeDefinition(type.GetDeclaringType());
            }
            return Join(reader.GetString(type.Namespace), reader.GetString(type.Name));
        }

        private static string Name(MetadataReader reader, TypeReferenceHandle handle)
        {
            var reference = reader.GetTypeReference(handle);
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                reference = reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            }
            return Join(reader.GetString(reference.Namespace), reader.GetString(reference.Name));
        }
    }
}
