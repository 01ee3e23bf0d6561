import { Type, type TSchema } from 'typebox';

/** Shared request/response shapes: pagination on every list, problem details on every error. */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  search: Type.Optional(Type.String({ maxLength: 200 })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const LibraryParams = Type.Object({ libraryId: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$' }) });
/** A library and one record in it. */
export const IdParams = Type.Object({ libraryId: LibraryParams.properties.libraryId, id: Type.String({ maxLength: 64 }) });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.Optional(Type.String()), location: Type.Optional(Type.String()), line: Type.Optional(Type.Integer()), message: Type.String() }))),
  },
  { $id: 'Problem' },
);

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A string that is one of the given values. */
export const Enum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/** A file sent inside a JSON body, base64-encoded (case evidence, a manual step's attachment). */
export const Base64File = Type.Object({ fileName: Type.String({ maxLength: 200 }), mediaType: Type.Optional(Type.String({ maxLength: 128 })), label: Type.Optional(Type.String({ maxLength: 300 })), contentBase64: Type.String({ maxLength: 14 * 1024 * 1024 }) }, { additionalProperties: false });
