"""SQL functions the pgvector migrations create for the duration of a conversion.

Both are defined in ``pg_temp``, so they vanish with the migration's session; callers drop
them when done (``DROP FUNCTION pg_temp.leadlens_float32_to_vector(bytea)`` and
``DROP FUNCTION pg_temp.leadlens_vector_to_float32(vector)``).
"""

# float32 little-endian bytes -> vector, bit-exact (zeros, subnormals and signs included)
BYTES_TO_VECTOR = """
CREATE FUNCTION pg_temp.leadlens_float32_to_vector(bytes bytea) RETURNS vector
LANGUAGE sql IMMUTABLE STRICT AS $$
SELECT array_agg(
    (CASE WHEN (word >> 31) = 1 THEN -1.0::float8 ELSE 1.0::float8 END)
    * (CASE WHEN ((word >> 23) & 255) = 0
            THEN (word & 8388607) * power(2::float8, -149)
            ELSE ((word & 8388607) + 8388608) * power(2::float8, ((word >> 23) & 255) - 150)
       END)
    ORDER BY offs)::real[]::vector
FROM (
    SELECT offs,
           get_byte(bytes, offs)::bigint
           | (get_byte(bytes, offs + 1)::bigint << 8)
           | (get_byte(bytes, offs + 2)::bigint << 16)
           | (get_byte(bytes, offs + 3)::bigint << 24) AS word
    FROM generate_series(0, length(bytes) - 4, 4) AS offs
) AS words
$$
"""

# vector -> float32 little-endian bytes (float4send gives big-endian)
VECTOR_TO_BYTES = """
CREATE FUNCTION pg_temp.leadlens_vector_to_float32(v vector) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
SELECT string_agg(
    substring(be FROM 4 FOR 1) || substring(be FROM 3 FOR 1)
    || substring(be FROM 2 FOR 1) || substring(be FROM 1 FOR 1),
    ''::bytea ORDER BY ord)
FROM unnest(v::real[]) WITH ORDINALITY AS elements(x, ord),
     LATERAL float4send(x) AS be
$$
"""
