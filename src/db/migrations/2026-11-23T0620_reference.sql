-- Reference data: NOC 2021 occupations (unit groups) with their TEER category.
-- Loaded from Statistics Canada's list (src/features/reference/data/noc_2021.csv) at
-- start when empty, and by `npm run portal -- noc import <file.csv>`.

-- Folds a title for word search: lower case, accents removed, separators to spaces.
-- Immutable, so it can be used in an index expression; the repository searches
-- with exactly the same expression.
create function reference_fold(text) returns text
  language sql immutable strict parallel safe
  as $$ select lower(translate($1,
    'àáâãäåāÀÁÂÃÄÅĀçÇèéêëēÈÉÊËĒìíîïīÌÍÎÏĪñÑòóôõöōÒÓÔÕÖŌùúûüūÙÚÛÜŪýÿÝŸœŒæÆ/-–—''’,.()',
    'aaaaaaaaaaaaaacceeeeeeeeeeiiiiiiiiiinnoooooooooooouuuuuuuuuuyyyyooaa          ')) $$;

create table noc_occupation (
  code text primary key check (code ~ '^[0-9]{5}$'),
  title_en text not null check (length(title_en) between 1 and 300),
  title_fr text not null check (length(title_fr) between 1 and 300),
  teer integer not null check (teer between 0 and 5),
  broad_category text not null,
  major_group text not null check (major_group ~ '^[0-9]{2}$')
);

-- Code-prefix search ("421" → 42100, 42101, ...) whatever the database collation.
create index noc_occupation_code_prefix_idx on noc_occupation (code text_pattern_ops);
-- Title word search, accent- and case-insensitive, in each language.
create index noc_occupation_title_en_idx on noc_occupation using gin (to_tsvector('simple', reference_fold(title_en)));
create index noc_occupation_title_fr_idx on noc_occupation using gin (to_tsvector('simple', reference_fold(title_fr)));
