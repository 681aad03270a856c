-- Billing (#7): list prices of common models, in micro-dollars per million tokens
-- ($2.50 / 1M tokens = 2500000). Standard (non-batch, non-cached, ≤200k context) list prices
-- published by OpenAI, Anthropic and Google, as known in November 2025. Operators keep them
-- current with PUT /api/billing/pricing/:model; a price applies to usage recorded after it changed.
-- A dated or suffixed model name (gpt-4o-2024-08-06, claude-sonnet-4-5-20250929) is priced by the
-- longest seeded name it starts with; `do nothing` keeps prices an operator already edited.
insert into model_pricing (model, provider, input_micros_per_mtok, output_micros_per_mtok) values
  ('gpt-5',              'openai',     1250000,  10000000),
  ('gpt-5.1',            'openai',     1250000,  10000000),
  ('gpt-5-mini',         'openai',      250000,   2000000),
  ('gpt-5-nano',         'openai',       50000,    400000),
  ('gpt-4.1',            'openai',     2000000,   8000000),
  ('gpt-4.1-mini',       'openai',      400000,   1600000),
  ('gpt-4.1-nano',       'openai',      100000,    400000),
  ('gpt-4o',             'openai',     2500000,  10000000),
  ('gpt-4o-mini',        'openai',      150000,    600000),
  ('gpt-4-turbo',        'openai',    10000000,  30000000),
  ('gpt-3.5-turbo',      'openai',      500000,   1500000),
  ('o1',                 'openai',    15000000,  60000000),
  ('o3',                 'openai',     2000000,   8000000),
  ('o3-mini',            'openai',     1100000,   4400000),
  ('o4-mini',            'openai',     1100000,   4400000),
  ('claude-opus-4-5',    'anthropic',  5000000,  25000000),
  ('claude-opus-4-1',    'anthropic', 15000000,  75000000),
  ('claude-opus-4',      'anthropic', 15000000,  75000000),
  ('claude-sonnet-4-5',  'anthropic',  3000000,  15000000),
  ('claude-sonnet-4',    'anthropic',  3000000,  15000000),
  ('claude-3-7-sonnet',  'anthropic',  3000000,  15000000),
  ('claude-3-5-sonnet',  'anthropic',  3000000,  15000000),
  ('claude-haiku-4-5',   'anthropic',  1000000,   5000000),
  ('claude-3-5-haiku',   'anthropic',   800000,   4000000),
  ('claude-3-haiku',     'anthropic',   250000,   1250000),
  ('claude-3-opus',      'anthropic', 15000000,  75000000),
  ('gemini-2.5-pro',     'google',     1250000,  10000000),
  ('gemini-2.5-flash',   'google',      300000,   2500000)
on conflict (model) do nothing;
