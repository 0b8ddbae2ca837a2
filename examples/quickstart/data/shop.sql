-- The quickstart's source: a small shop in SQLite, with the types real
-- operational tables have (integers, reals, decimals, text, blobs, NULLs,
-- ISO dates and timestamps, JSON). Deterministic: the same data every time.
-- scripts/quickstart.sh creates data/shop.db from this file when it is missing.
BEGIN;

CREATE TABLE customers (
  id             INTEGER PRIMARY KEY,
  email          TEXT NOT NULL,
  full_name      TEXT NOT NULL,
  country        TEXT,
  created_at     TIMESTAMP NOT NULL,
  is_active      BOOLEAN NOT NULL,
  loyalty_points INTEGER,
  avatar         BLOB
);

CREATE TABLE products (
  id        INTEGER PRIMARY KEY,
  sku       VARCHAR(16) NOT NULL,
  name      TEXT NOT NULL,
  price     DECIMAL(10,2) NOT NULL,
  weight_kg REAL,
  tags      JSON,
  added_on  DATE NOT NULL
);

CREATE TABLE orders (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  ordered_at  TIMESTAMPTZ NOT NULL,
  status      TEXT NOT NULL,
  total       DECIMAL(12,2) NOT NULL,
  shipped_on  DATE,
  note        TEXT
);

CREATE TABLE order_lines (
  order_id   INTEGER NOT NULL REFERENCES orders(id),
  line_no    INTEGER NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity   INTEGER NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL,
  discount   REAL,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  occurred_at TIMESTAMP NOT NULL,
  customer_id INTEGER,
  kind        TEXT NOT NULL,
  payload     JSON
);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO customers
SELECT i,
       'customer' || i || '@example.com',
       (CASE i % 7 WHEN 0 THEN 'Åse' WHEN 1 THEN 'Bjørn' WHEN 2 THEN 'Chloé' WHEN 3 THEN 'Dmitri'
                   WHEN 4 THEN 'Eilidh' WHEN 5 THEN 'Fatima' ELSE 'Gustav' END)
         || ' ' || (CASE i % 5 WHEN 0 THEN 'Nilsen' WHEN 1 THEN 'O''Brien' WHEN 2 THEN 'Müller'
                                WHEN 3 THEN 'Haugen' ELSE 'Berg' END),
       CASE WHEN i % 11 = 0 THEN NULL ELSE (CASE i % 4 WHEN 0 THEN 'NO' WHEN 1 THEN 'SE' WHEN 2 THEN 'DK' ELSE 'FI' END) END,
       strftime('%Y-%m-%d %H:%M:%S', '2023-01-01', '+' || (i * 15731 % 63072000) || ' seconds'),
       i % 9 <> 0,
       CASE WHEN i % 3 = 0 THEN NULL ELSE i * 37 % 5000 END,
       CASE WHEN i % 10 = 0 THEN x'0089504e470d0a1a0a' || zeroblob(4) ELSE NULL END
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO products
SELECT i,
       printf('SKU-%05d', i),
       (CASE i % 6 WHEN 0 THEN 'Coffee beans' WHEN 1 THEN 'Oat milk' WHEN 2 THEN 'Rye bread'
                   WHEN 3 THEN 'Brown cheese' WHEN 4 THEN 'Cloudberry jam' ELSE 'Dried cod' END) || ' #' || i,
       printf('%.2f', 9.9 + (i * 7919 % 50000) / 100.0),
       CASE WHEN i % 8 = 0 THEN NULL ELSE (i * 131 % 5000) / 1000.0 END,
       CASE WHEN i % 5 = 0 THEN NULL ELSE json_array('grocery', CASE i % 2 WHEN 0 THEN 'organic' ELSE 'local' END) END,
       date('2022-01-01', '+' || (i * 3 % 700) || ' days')
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO orders
SELECT i,
       1 + (i * 7907 % 2000),
       strftime('%Y-%m-%dT%H:%M:%S', '2024-01-01', '+' || (i * 1571) || ' seconds') || '+01:00',
       CASE i % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'pending' ELSE 'shipped' END,
       printf('%.2f', (i * 104729 % 500000) / 100.0),
       CASE WHEN i % 10 IN (0, 1) THEN NULL ELSE date('2024-01-01', '+' || (i * 1571 / 86400 + 2) || ' days') END,
       CASE WHEN i % 17 = 0 THEN 'Leave at the door; ring twice' WHEN i % 23 = 0 THEN '' ELSE NULL END
FROM n;

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59999)
INSERT INTO order_lines
SELECT 1 + i / 3, 1 + i % 3, 1 + (i * 7 % 200), 1 + i % 4,
       printf('%.2f', 9.9 + ((1 + (i * 7 % 200)) * 7919 % 50000) / 100.0),
       CASE WHEN i % 6 = 0 THEN 0.1 ELSE NULL END
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO events
SELECT i,
       strftime('%Y-%m-%d %H:%M:%f', '2024-06-01', '+' || (i * 97) || '.' || printf('%03d', i % 1000) || ' seconds'),
       CASE WHEN i % 4 = 0 THEN NULL ELSE 1 + (i * 31 % 2000) END,
       CASE i % 5 WHEN 0 THEN 'page_view' WHEN 1 THEN 'add_to_basket' WHEN 2 THEN 'search'
                  WHEN 3 THEN 'checkout' ELSE 'login' END,
       json_object('path', '/p/' || (i % 200), 'ms', i % 1500)
FROM n;

COMMIT;
